// People-or-JSON output and the small formatting helpers; see output.hpp.
#include "cli/output.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "cli/terminal_text.hpp"

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
  // Exact values for programs, yet nothing a terminal would act on.
  std::cout << JsonForTerminal(doc.dump(
                   2, ' ', false, nlohmann::json::error_handler_t::replace))
            << '\n'
            << std::flush;
}

// Views make partner text safe before they measure it; this catches any
// path that forgot, keeping only the styles this class itself writes.
void Output::Line(std::string_view text) const {
  std::cout << SafeStyledText(text, colour_) << '\n';
}

void Output::Hint(std::string_view text) const {
  std::cerr << SafeStyledText(text, colour_) << '\n';
}

std::string Output::Bold(std::string_view text) const {
  return Styled(colour_, "1", text);
}

std::string Output::Dim(std::string_view text) const {
  return Styled(colour_, "2", text);
}

std::string FirstLine(std::string_view text, std::size_t max_cells) {
  const std::string safe = SafeText(text);
  std::size_t end = safe.find('\n');
  bool cut = end != std::string::npos && end + 1 < safe.size();
  std::string_view line = std::string_view(safe).substr(0, end);
  const std::size_t fit = FitCells(line, max_cells);
  std::string out(line.substr(0, fit));
  if (fit < line.size()) cut = true;
  if (cut) out += "…";
  return out;
}

std::vector<std::string> WrapLine(std::string_view raw, std::size_t width) {
  const std::string safe = SafeText(raw, Breaks::kSpace);
  std::string_view text = safe;
  std::vector<std::string> out;
  while (true) {
    // The bytes that fit in `width` cells, and the last space among them
    // (or just after them: a break there loses nothing).
    const std::size_t fit = width == 0 ? text.size() : FitCells(text, width);
    if (fit == text.size()) {
      out.emplace_back(text);
      return out;
    }
    const std::size_t last_space = text.substr(0, fit + 1).rfind(' ');
    std::size_t cut = last_space == std::string_view::npos || last_space == 0
                          ? fit
                          : last_space;
    // A wide character in a one-cell width still takes a line of its own.
    if (cut == 0) cut = FitCells(text, 2);
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
