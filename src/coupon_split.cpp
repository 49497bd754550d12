#include "coupon_split.hpp"

#include <algorithm>
#include <deque>
#include <limits>

namespace loyalty::coupon_split {

std::vector<std::vector<std::int64_t>> max_split(const std::vector<std::int64_t>& wish,
                                                 const std::vector<std::vector<bool>>& eligible,
                                                 const std::vector<std::int64_t>& net) {
    const std::size_t m = wish.size(), n = net.size();
    std::vector<std::vector<std::int64_t>> take(m, std::vector<std::int64_t>(n, 0));
    std::vector<std::int64_t> wish_left(wish), net_left(net);
    // Residual graph: source -> coupon j (wish_left[j]), coupon j -> line i (unbounded forward;
    // take[j][i] backward), line i -> sink (net_left[i]). Nodes: 0..m-1 coupons, m..m+n-1 lines.
    for (;;) {
        std::vector<std::ptrdiff_t> parent(m + n, -2);  // -2 unseen, -1 reached from the source
        std::deque<std::size_t> queue;
        for (std::size_t j = 0; j < m; ++j)
            if (wish_left[j] > 0) {
                parent[j] = -1;
                queue.push_back(j);
            }
        std::ptrdiff_t end = -1;  // a line with room left towards the sink
        while (!queue.empty() && end < 0) {
            const std::size_t u = queue.front();
            queue.pop_front();
            if (u < m) {  // a coupon: forward to its eligible lines
                for (std::size_t i = 0; i < n; ++i) {
                    if (!eligible[u][i] || parent[m + i] != -2) continue;
                    parent[m + i] = static_cast<std::ptrdiff_t>(u);
                    if (net_left[i] > 0) {
                        end = static_cast<std::ptrdiff_t>(m + i);
                        break;
                    }
                    queue.push_back(m + i);
                }
            } else {  // a line: back to the coupons that took from it
                const std::size_t i = u - m;
                for (std::size_t j = 0; j < m; ++j) {
                    if (take[j][i] <= 0 || parent[j] != -2) continue;
                    parent[j] = static_cast<std::ptrdiff_t>(u);
                    queue.push_back(j);
                }
            }
        }
        if (end < 0) break;
        // The bottleneck along source -> ... -> end -> sink.
        std::int64_t flow = net_left[static_cast<std::size_t>(end) - m];
        for (std::ptrdiff_t v = end; v >= 0;) {
            const std::ptrdiff_t p = parent[static_cast<std::size_t>(v)];
            if (static_cast<std::size_t>(v) >= m) {  // reached line v from coupon p: unbounded
                v = p;
                continue;
            }
            if (p == -1) {
                flow = std::min(flow, wish_left[static_cast<std::size_t>(v)]);
                break;
            }
            // coupon v reached backwards from line p: at most what v took from p
            flow =
                std::min(flow, take[static_cast<std::size_t>(v)][static_cast<std::size_t>(p) - m]);
            v = p;
        }
        // Push it.
        net_left[static_cast<std::size_t>(end) - m] -= flow;
        for (std::ptrdiff_t v = end; v >= 0;) {
            const std::size_t vi = static_cast<std::size_t>(v);
            const std::ptrdiff_t p = parent[vi];
            if (vi >= m) {
                take[static_cast<std::size_t>(p)][vi - m] += flow;
                v = p;
                continue;
            }
            if (p == -1) {
                wish_left[vi] -= flow;
                break;
            }
            take[vi][static_cast<std::size_t>(p) - m] -= flow;
            v = p;
        }
    }
    return take;
}

}  // namespace loyalty::coupon_split
