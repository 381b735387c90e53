// People-or-JSON output and the small formatting helpers; see output.hpp.
#include "cli/output.hpp"

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

Output::Output(bool json) : json_(json), colour_(!json && WantColour()) {}

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
