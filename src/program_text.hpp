// What reading and writing a programme share: the weekday names of schedules, and look-up by id.
#ifndef LOYALTY_SRC_PROGRAM_TEXT_HPP
#define LOYALTY_SRC_PROGRAM_TEXT_HPP

#include <string_view>
#include <vector>

namespace loyalty::program_text {

// Index 0 is Monday, as in Schedule::weekdays and Program::week_start.
inline constexpr const char* kWeekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

template <typename T>
const T* find_by_id(const std::vector<T>& v, std::string_view id) {
    for (const auto& x : v)
        if (x.id == id) return &x;
    return nullptr;
}

}  // namespace loyalty::program_text

#endif
