// Text put into an HTML page: the manager's dashboards (src/dashboard.cpp, and the chain's in
// src/sync/dashboard.cpp, which is built into libloyalty-sync, hence a header of its own).
#ifndef LOYALTY_SRC_HTML_HPP
#define LOYALTY_SRC_HTML_HPP

#include <string>
#include <string_view>

namespace loyalty {

// `s` with &, <, > and " escaped: safe as an element's text or a quoted attribute's value.
inline std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (const char ch : s) {
        switch (ch) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += ch;
        }
    }
    return out;
}

}  // namespace loyalty

#endif
