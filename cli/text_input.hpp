// Where an entry's text comes from: the argument, else $EDITOR when stdin
// is a terminal, else stdin when piped. The editor's file lives only in a
// fresh 0700 folder in memory (edit_folder.hpp) and is zeroed and removed
// on every way out, signals included (editor_run.hpp); with no such folder
// the editor is refused and the message says to pass TEXT or pipe it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cli/home.hpp"
#include "common/error.hpp"

namespace inch::cli {

struct EntryRequest {
  const std::string* arg = nullptr;  // TEXT, when given; must outlive the call
  std::string_view initial;   // pre-fills the editor (the text being edited)
  std::string_view question;  // a guided prompt, shown as a comment line
  std::string command;        // e.g. "inch journal edit 3", for advice
};

// Returns the text with trailing newlines removed; from the editor, also
// with comment lines and leading blank lines removed. kInvalidInput when
// the editor fails, is stopped by a signal, leaves only comments and blank
// lines ("nothing was saved"), or stdin holds more than 1 MiB; kIo when no
// in-memory folder exists for the editor. The store judges emptiness, size
// and UTF-8 of what is returned.
Result<std::string> ReadEntryText(const EntryRequest& request,
                                  const HomeFiles& home);

// The editor's buffer, as git's commit template: `initial`, a blank line,
// then comment lines (the question, if any, and how comments and an empty
// entry behave), each starting with `comment`.
std::string EditorBuffer(std::string_view initial, std::string_view question,
                         char comment);

// The comment character for a buffer holding `initial`: '#', or like git's
// core.commentChar=auto the first of "#;@!$%^&|:" that starts none of its
// lines, so editing an entry never drops its own '#' lines.
char CommentCharFor(std::string_view initial);

// `text` without the lines starting with `comment`, and without leading
// and trailing blank lines.
std::string StripComments(std::string_view text, char comment);

// Overwrites the string's bytes with zeros and clears it.
void WipeString(std::string& s);

}  // namespace inch::cli
