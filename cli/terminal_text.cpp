// Neutralising untrusted text for terminals and measuring it in cells; see
// terminal_text.hpp.
#include "cli/terminal_text.hpp"

#include <locale.h>
#include <wchar.h>

#include <array>
#include <cstdio>

namespace inch::cli {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;
constexpr char32_t kReplacement = 0xFFFD;

// Decodes the code point at s[i] and moves i past it; kInvalid (moving one
// byte) unless it is strict UTF-8: no overlong forms, surrogates or code
// points past U+10FFFF, as the store itself validates.
char32_t Decode(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t len = 0;
  char32_t cp = 0, min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    ++i;
    return kInvalid;
  }
  if (s.size() - i < len) {
    ++i;
    return kInvalid;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kInvalid;
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kInvalid;
  }
  i += len;
  return cp;
}

void Append(std::string& out, char32_t cp) {
  auto byte = [&](char32_t v) { out += static_cast<char>(v); };
  if (cp < 0x80) {
    byte(cp);
  } else if (cp < 0x800) {
    byte(0xC0 | (cp >> 6));
    byte(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    byte(0xE0 | (cp >> 12));
    byte(0x80 | ((cp >> 6) & 0x3F));
    byte(0x80 | (cp & 0x3F));
  } else {
    byte(0xF0 | (cp >> 18));
    byte(0x80 | ((cp >> 12) & 0x3F));
    byte(0x80 | ((cp >> 6) & 0x3F));
    byte(0x80 | (cp & 0x3F));
  }
}

// Characters that reorder what a terminal shows (the Trojan Source set).
bool IsBidiControl(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
         cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

bool IsC1(char32_t cp) { return cp >= 0x80 && cp < 0xA0; }

void AppendSafe(std::string& out, std::string_view text, Breaks breaks) {
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = Decode(text, i);
    if (cp == kInvalid) {
      Append(out, kReplacement);
      continue;
    }
    if (cp == '\r') {  // \r\n is one break; a lone \r would overwrite
      if (i < text.size() && text[i] == '\n') ++i;
      cp = '\n';
    }
    if (cp == '\n' || cp == 0x2028 || cp == 0x2029) {
      out += breaks == Breaks::kKeep ? '\n' : ' ';
    } else if (cp == '\t') {
      out += "    ";
    } else if (cp < 0x20) {
      Append(out, 0x2400 + cp);  // U+2400.. CONTROL PICTURES: ␀ .. ␟
    } else if (cp == 0x7F) {
      Append(out, 0x2421);  // ␡
    } else if (IsC1(cp)) {
      Append(out, kReplacement);
    } else if (!IsBidiControl(cp)) {
      Append(out, cp);
    }
  }
}

// The SGR sequences Output::Bold and Output::Dim write.
bool IsOwnStyle(std::string_view s) {
  return s.size() >= 4 && s[0] == '\x1b' && s[1] == '[' &&
         (s[2] == '0' || s[2] == '1' || s[2] == '2') && s[3] == 'm';
}

// The first UTF-8 locale installed, for wcwidth; null when there is none.
locale_t Utf8Locale() {
  static const locale_t loc = [] {
    for (const char* name : {"C.UTF-8", "C.utf8", "en_US.UTF-8"}) {
      if (locale_t l = newlocale(LC_CTYPE_MASK, name, nullptr); l != nullptr)
        return l;
    }
    return locale_t{};
  }();
  return loc;
}

struct Range {
  char32_t first, last;
  int cells;
};

// Sorted, non-overlapping. Coarse on purpose: whole blocks, for machines
// without a UTF-8 locale; glibc's table is the one normally used.
constexpr std::array<Range, 37> kTable{{
    {0x0300, 0x036F, 0},   {0x0483, 0x0489, 0},   {0x0591, 0x05BD, 0},
    {0x0610, 0x061A, 0},   {0x064B, 0x065F, 0},   {0x1100, 0x115F, 2},
    {0x1AB0, 0x1AFF, 0},   {0x1DC0, 0x1DFF, 0},   {0x200B, 0x200F, 0},
    {0x202A, 0x202E, 0},   {0x2060, 0x206F, 0},   {0x20D0, 0x20FF, 0},
    {0x231A, 0x231B, 2},   {0x23E9, 0x23EC, 2},   {0x25FD, 0x25FE, 2},
    {0x2614, 0x2615, 2},   {0x2648, 0x2653, 2},   {0x26AA, 0x26AB, 2},
    {0x26BD, 0x26BE, 2},   {0x2705, 0x2705, 2},   {0x270A, 0x270B, 2},
    {0x2728, 0x2728, 2},   {0x2E80, 0x303E, 2},   {0x3041, 0x33FF, 2},
    {0x3400, 0x4DBF, 2},   {0x4E00, 0xA4CF, 2},   {0xAC00, 0xD7A3, 2},
    {0xF900, 0xFAFF, 2},   {0xFE00, 0xFE0F, 0},   {0xFE20, 0xFE2F, 0},
    {0xFE30, 0xFE4F, 2},   {0xFEFF, 0xFEFF, 0},   {0xFF00, 0xFF60, 2},
    {0xFFE0, 0xFFE6, 2},   {0x1F300, 0x1F64F, 2}, {0x1F680, 0x1FAFF, 2},
    {0x20000, 0x3FFFD, 2},
}};

}  // namespace

int BuiltInCells(char32_t cp) {
  if (cp < 0x20 || cp == 0x7F || IsC1(cp)) return 0;
  if (cp >= 0xE0000 && cp <= 0xE01EF) return 0;  // tags, variation selectors
  std::size_t lo = 0, hi = kTable.size();
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (cp < kTable[mid].first) {
      hi = mid;
    } else if (cp > kTable[mid].last) {
      lo = mid + 1;
    } else {
      return kTable[mid].cells;
    }
  }
  return 1;
}

int CodePointCells(char32_t cp) {
  if (cp < 0x20 || cp == 0x7F || IsC1(cp)) return 0;
  if (cp < 0x7F) return 1;
  const locale_t loc = Utf8Locale();
  if (loc == nullptr) return BuiltInCells(cp);
  const locale_t old = uselocale(loc);
  const int w = wcwidth(static_cast<wchar_t>(cp));
  uselocale(old);
  // -1: not assigned in glibc's Unicode version; terminals draw one cell.
  return w < 0 ? 1 : w;
}

std::string SafeText(std::string_view text, Breaks breaks) {
  std::string out;
  out.reserve(text.size());
  AppendSafe(out, text, breaks);
  return out;
}

std::string SafeStyledText(std::string_view text, bool keep_styles) {
  std::string out;
  out.reserve(text.size());
  std::size_t start = 0;
  for (std::size_t i = 0; keep_styles && i < text.size(); ++i) {
    // ESC never occurs inside a multi-byte UTF-8 sequence: safe to split.
    if (IsOwnStyle(text.substr(i))) {
      AppendSafe(out, text.substr(start, i - start), Breaks::kKeep);
      out.append(text.substr(i, 4));
      i += 3;
      start = i + 1;
    }
  }
  AppendSafe(out, text.substr(start), Breaks::kKeep);
  return out;
}

std::size_t Cells(std::string_view text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = Decode(text, i);
    n += cp == kInvalid ? 1 : static_cast<std::size_t>(CodePointCells(cp));
  }
  return n;
}

std::string PadCells(std::string_view text, std::size_t cells) {
  std::string out(text);
  const std::size_t w = Cells(text);
  if (w < cells) out.append(cells - w, ' ');
  return out;
}

std::size_t FitCells(std::string_view text, std::size_t cells) {
  std::size_t used = 0, i = 0;
  while (i < text.size()) {
    std::size_t next = i;
    const char32_t cp = Decode(text, next);
    const auto w =
        cp == kInvalid ? 1u : static_cast<std::size_t>(CodePointCells(cp));
    if (used + w > cells) break;
    used += w;
    i = next;
  }
  return i;
}

std::string JsonForTerminal(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size();) {
    const std::size_t start = i;
    const char32_t cp = Decode(json, i);
    // Only inside strings can these occur (JSON's own syntax is ASCII), and
    // \uXXXX there decodes to the very same character.
    if (cp == 0x7F || IsC1(cp) || IsBidiControl(cp) || cp == 0x2028 ||
        cp == 0x2029) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(json.substr(start, i - start));
    }
  }
  return out;
}

}  // namespace inch::cli
