// Text that reaches a person's terminal: a partner's wish or note is
// untrusted, and a terminal acts on what it prints (escape sequences move
// the cursor, set the title or write the clipboard; bidi controls reorder
// what is shown). Every human view passes such text through SafeText, and
// measures it in terminal cells (a CJK character or an emoji takes two, a
// combining mark none), so columns line up. `--json` keeps the exact text:
// JsonForTerminal only escapes what JSON allows to stay raw.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace inch::cli {

// What SafeText does with a line break (\n, \r\n, lone \r, U+2028/U+2029).
enum class Breaks {
  kKeep,   // one '\n' (views that show the whole text)
  kSpace,  // one ' ' (one-line columns)
};

// `text` made harmless to print: every C0 control but \n becomes its
// visible picture (ESC shows as ␛, BEL as ␇), DEL as ␡, a tab as four
// spaces, C1 controls and invalid UTF-8 as U+FFFD; bidi embeddings,
// overrides, isolates and marks (U+202A..U+202E, U+2066..U+2069, U+200E,
// U+200F, U+061C) are dropped. The result is valid UTF-8 and SafeText of it
// is itself (printing it twice is safe). Never fails.
std::string SafeText(std::string_view text, Breaks breaks = Breaks::kKeep);

// The output of a view that wraps its own styles around safe text: like
// SafeText (line breaks kept), but when `keep_styles` the SGR sequences
// Output makes (ESC[0m, ESC[1m, ESC[2m) pass unchanged. A last line of
// defence in Output::Line, for any path that forgot SafeText.
std::string SafeStyledText(std::string_view text, bool keep_styles);

// Terminal cells of one code point: 2 (East Asian wide, emoji), 0
// (combining marks, zero-width characters, controls), else 1. From glibc's
// wcwidth under a C.UTF-8 locale (so the user's LANG does not matter), or
// a small built-in table when no UTF-8 locale is installed.
int CodePointCells(char32_t cp);
// The built-in table CodePointCells falls back on (CJK, Hangul, fullwidth
// forms and the emoji blocks wide; common combining blocks and zero-width
// characters none): coarser than glibc's, exposed for its tests.
int BuiltInCells(char32_t cp);

// Cells of one line of SafeText output (bytes that are not UTF-8 count as
// one cell each, as SafeText would show them).
std::size_t Cells(std::string_view text);

// `text` padded with spaces to at least `cells` cells.
std::string PadCells(std::string_view text, std::size_t cells);

// The byte length of the longest prefix of `text` (one line) that fits in
// `cells` cells; never splits a code point, and keeps zero-width marks with
// the character they follow.
std::size_t FitCells(std::string_view text, std::size_t cells);

// A JSON document made safe to show on a terminal while it still decodes to
// the same values: DEL, C1 controls, bidi controls and U+2028/U+2029, which
// JSON allows raw inside strings, become \uXXXX escapes. `json` must be
// valid UTF-8 (nlohmann's dump with error_handler_t::replace is).
std::string JsonForTerminal(std::string_view json);

}  // namespace inch::cli
