// Output for people or for programs: every command prints through this so
// `--json` yields exactly one JSON document on stdout, and colour appears
// only on a terminal and never when NO_COLOR is set (no-color.org).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace inch::cli {

class Output {
 public:
  // `json`: the user asked for --json. Colour is decided once, here.
  explicit Output(bool json = false);

  bool json() const { return json_; }

  // Prints one JSON document (pretty, newline-terminated) on stdout; texts
  // keep their exact value, with what a terminal would act on escaped.
  void Json(const nlohmann::json& doc) const;
  // Prints one line for people on stdout. Control characters, escape
  // sequences (but this class's own styles) and bidi controls are
  // neutralised here too, should a view forget SafeText (terminal_text.hpp).
  void Line(std::string_view text) const;
  // Prints a hint for people on stderr (so it never pollutes piped data),
  // neutralised as Line does.
  void Hint(std::string_view text) const;

  // Wraps `text` in an ANSI style when colour is on; plain otherwise.
  std::string Bold(std::string_view text) const;
  std::string Dim(std::string_view text) const;

  // The width people read in, in columns: $COLUMNS when it is a positive
  // number, else the terminal's width, else 0 (unknown: a pipe or a file;
  // views then keep their default column widths).
  std::size_t columns() const { return columns_; }

 private:
  bool json_;
  bool colour_;
  std::size_t columns_;
};

// The first line of SafeText(text), cut to at most `max_cells` terminal
// cells (never inside a character), with "…" added when something was cut
// or more lines follow.
std::string FirstLine(std::string_view text, std::size_t max_cells);

// Splits SafeText(text) (line breaks as spaces) into pieces of at most
// `width` terminal cells, breaking at spaces where it can (a longer word is
// cut). Never empty: an empty text gives one empty piece. `width` 0 means
// no limit.
std::vector<std::string> WrapLine(std::string_view text, std::size_t width);

// Local time "YYYY-MM-DD HH:MM" for people; "" for 0.
std::string LocalMinute(std::int64_t unix_ms);
// UTC ISO 8601 "YYYY-MM-DDTHH:MM:SS.mmmZ" for JSON.
std::string IsoUtc(std::int64_t unix_ms);

}  // namespace inch::cli
