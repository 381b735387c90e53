// People-or-JSON output and the small formatting helpers; see output.hpp.
#include "cli/output.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>

namespace inch::cli {
namespace {

bool WantColour() {
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return isatty(STDOUT_FILENO) == 1;
}

std::size_t DetectColumns() {
  if (const char* env = std::getenv("COLUMNS"); env != nullptr) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n > 0 && n <= 10'000)
      return static_cast<std::size_t>(n);
  }
  winsize ws{};
  if (isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
    return ws.ws_col;
  return 0;
}

bool IsLead(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

std::string Styled(bool on, std::string_view code, std::string_view text) {
  if (!on) return std::string(text);
  std::string s = "\x1b[";
  s += code;
  s += 'm';
  s += text;
  s += "\x1b[0m";
  return s;
}

}  // namespace

Output::Output(bool json)
    : json_(json),
      colour_(!json && WantColour()),
      columns_(json ? 0 : DetectColumns()) {}

void Output::Json(const nlohmann::json& doc) const {
  std::cout << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
            << '\n'
            << std::flush;
}

void Output::Line(std::string_view text) const { std::cout << text << '\n'; }

void Output::Hint(std::string_view text) const { std::cerr << text << '\n'; }

std::string Output::Bold(std::string_view text) const {
  return Styled(colour_, "1", text);
}

std::string Output::Dim(std::string_view text) const {
  return Styled(colour_, "2", text);
}

std::string FirstLine(std::string_view text, std::size_t max_chars) {
  std::size_t end = text.find('\n');
  bool cut = end != std::string_view::npos && end + 1 < text.size();
  std::string_view line = text.substr(0, end);
  std::size_t chars = 0, i = 0;
  for (; i < line.size(); ++i) {
    // Count code points by their lead bytes so a cut never splits one.
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) break;
      ++chars;
    }
  }
  std::string out(line.substr(0, i));
  if (i < line.size()) cut = true;
  if (cut) out += "…";
  return out;
}

std::vector<std::string> WrapLine(std::string_view text, std::size_t width) {
  std::vector<std::string> out;
  while (true) {
    // Find the byte offset after `width` code points, and the last space
    // before it.
    std::size_t chars = 0, i = 0, last_space = std::string_view::npos;
    for (; i < text.size(); ++i) {
      if (IsLead(text[i])) {
        if (width != 0 && chars == width) break;
        ++chars;
      }
      if (text[i] == ' ') last_space = i;
    }
    if (i == text.size()) {
      out.emplace_back(text);
      return out;
    }
    const bool at_space = text[i] == ' ';
    const std::size_t cut =
        at_space || last_space == std::string_view::npos || last_space == 0
            ? i
            : last_space;
    out.emplace_back(text.substr(0, cut));
    text.remove_prefix(cut);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    if (text.empty()) return out;
  }
}

std::string LocalMinute(std::int64_t unix_ms) {
  if (unix_ms == 0) return "";
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string IsoUtc(std::int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf,
                static_cast<int>(unix_ms % 1000));
  return out;
}

}  // namespace inch::cli
