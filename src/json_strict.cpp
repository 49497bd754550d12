#include "json_strict.hpp"

#include <set>
#include <vector>

namespace loyalty::json_strict {

namespace {

using nlohmann::json;

// The parser's callback sees every name as it is read: one set of names per open object.
class DuplicateKeys {
  public:
    bool operator()(int, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                element_starts();
                frames_.push_back({event == json::parse_event_t::array_start, 0, {}, {}});
                break;
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                if (!frames_.empty()) frames_.pop_back();
                break;
            case json::parse_event_t::key:
                if (!frames_.empty() && parsed.is_string()) {
                    Frame& f = frames_.back();
                    std::string k = parsed.get<std::string>();
                    if (!f.keys.insert(k).second) throw DuplicateName{where(), k};
                    f.key = std::move(k);
                }
                break;
            case json::parse_event_t::value:
                element_starts();
                break;
        }
        return true;
    }

  private:
    struct Frame {
        bool array;
        std::size_t index;  // elements seen so far (arrays)
        std::set<std::string> keys;
        std::string key;  // the member being read (objects)
    };

    void element_starts() {
        if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    }

    // "spend[0]" for the object being read; "" at the top.
    std::string where() const {
        std::string out;
        for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
            const Frame& f = frames_[i];
            if (f.array)
                out += "[" + std::to_string(f.index - 1) + "]";
            else
                out += (out.empty() ? "" : ".") + f.key;
        }
        return out;
    }

    std::vector<Frame> frames_;
};

}  // namespace

json parse(std::string_view text) {
    return json::parse(text.begin(), text.end(), DuplicateKeys());
}

}  // namespace loyalty::json_strict
