// Entry text from an argument, the editor or stdin; see text_input.hpp.
#include "cli/text_input.hpp"

#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "cli/edit_folder.hpp"
#include "cli/editor_run.hpp"
#include "cli/passphrase_input.hpp"

namespace inch::cli {
namespace {

constexpr std::size_t kMaxStdinBytes = 1024 * 1024;
constexpr std::string_view kCommentChars = "#;@!$%^&|:";

void StripTrailingNewlines(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

bool Blank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Result<std::string> ReadStdin() {
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(Errc::kIo, "cannot read stdin");
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > kMaxStdinBytes) {
      WipeString(out);
      return Fail(Errc::kInvalidInput, "the entry is over 64 KiB");
    }
  }
  sodium_memzero(buf, sizeof buf);
  return out;
}

std::string EditorCommand() {
  const char* editor = std::getenv("VISUAL");
  if (editor == nullptr || *editor == '\0') editor = std::getenv("EDITOR");
  if (editor == nullptr || *editor == '\0') editor = "vi";
  return editor;
}

// Removes the folder (and everything the editor left in it) on every way
// out of EditInEditor, before EditorSignals lets signals through again.
class FolderShredder {
 public:
  explicit FolderShredder(std::string dir) : dir_(std::move(dir)) {}
  ~FolderShredder() { ShredFolder(dir_); }
  FolderShredder(const FolderShredder&) = delete;
  FolderShredder& operator=(const FolderShredder&) = delete;

 private:
  std::string dir_;
};

Result<std::string> EditInEditor(const EntryRequest& request) {
  EditorSignals signals;  // first: nothing may stop inch while the file lives
  auto dir = MakeEditFolder();
  if (!dir) {
    return Fail(Errc::kIo,
                "the editor is not started: inch keeps the text you type in "
                "a private folder in memory, so it never reaches the disk, "
                "and there is none here (" +
                    dir.error().message + "). Give the text instead: `" +
                    request.command +
                    " \"TEXT\"`, or pipe it: `echo \"...\" | " +
                    request.command +
                    "`. Or set XDG_RUNTIME_DIR to a folder of yours with "
                    "mode 0700 on a tmpfs.");
  }
  Result<std::string> text = Fail(Errc::kIo, "the editor did not run");
  const char comment = CommentCharFor(request.initial);
  {
    FolderShredder shredder(*dir);
    std::string path = *dir + "/entry.txt";
    std::string buffer =
        EditorBuffer(request.initial, request.question, comment);
    Status wrote = WriteNewPrivateFile(path, buffer);
    WipeString(buffer);
    if (!wrote) return std::unexpected(wrote.error());
    std::string editor = EditorCommand();
    if (Status ran = RunEditor(editor, path, signals); !ran) {
      return std::unexpected(ran.error());
    }
    text = ReadFile(path, kMaxStdinBytes);
  }  // the folder is shredded here
  signals.Drain();
  if (signals.caught() != 0) {
    if (text) WipeString(*text);
    return Fail(Errc::kInvalidInput,
                "stopped by " + SignalName(signals.caught()) +
                    " after the editor closed: nothing was saved, and the "
                    "editor's temporary file is wiped");
  }
  if (!text) return std::unexpected(text.error());
  std::string entry = StripComments(*text, comment);
  WipeString(*text);
  if (Blank(entry)) {
    WipeString(entry);
    return Fail(Errc::kInvalidInput,
                std::string("the entry is empty, so nothing was saved (lines "
                            "starting with ") +
                    comment + " are left out)");
  }
  return entry;
}

}  // namespace

std::string EditorBuffer(std::string_view initial, std::string_view question,
                         char comment) {
  std::string out;
  out.reserve(initial.size() + question.size() + 128);  // one allocation
  out.append(initial);
  StripTrailingNewlines(out);
  out += "\n\n";
  if (!question.empty()) {
    out += comment;
    out += ' ';
    out += question;
    out += '\n';
  }
  out += comment;
  out += " Lines starting with ";
  out += comment;
  out += " are ignored. An empty entry cancels.\n";
  return out;
}

char CommentCharFor(std::string_view initial) {
  for (char c : kCommentChars) {
    bool used = !initial.empty() && initial.front() == c;
    for (std::size_t i = initial.find('\n'); !used && i != initial.npos;
         i = initial.find('\n', i + 1)) {
      used = i + 1 < initial.size() && initial[i + 1] == c;
    }
    if (!used) return c;
  }
  return kCommentChars.front();
}

std::string StripComments(std::string_view text, char comment) {
  std::string out;
  out.reserve(text.size());  // no reallocation leaves copies behind
  bool started = false;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line =
        text.substr(0, end == text.npos ? text.size() : end + 1);
    text.remove_prefix(line.size());
    if (!line.empty() && line.front() == comment) continue;
    if (!started && Blank(line)) continue;
    started = true;
    out += line;
  }
  // Trailing blank lines (only whitespace is dropped, nothing secret).
  while (!out.empty() && std::string_view(" \t\r\n").find(out.back()) !=
                             std::string_view::npos) {
    out.pop_back();
  }
  return out;
}

void WipeString(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

Result<std::string> ReadEntryText(const EntryRequest& request,
                                  const HomeFiles& home) {
  SweepStaleEditFolders(home.dir);
  Result<std::string> text = request.arg ? Result<std::string>(*request.arg)
                             : StdinIsTerminal() ? EditInEditor(request)
                                                 : ReadStdin();
  if (text) StripTrailingNewlines(*text);
  return text;
}

}  // namespace inch::cli
