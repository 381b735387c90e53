// Entry text from an argument, the editor or stdin; see text_input.hpp.
#include "cli/text_input.hpp"

#include <dirent.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cli/passphrase_input.hpp"

namespace inch::cli {
namespace {

constexpr std::size_t kMaxStdinBytes = 1024 * 1024;

void StripTrailingNewlines(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
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

// A private folder for the editor's file: on tmpfs when possible so the
// plaintext never reaches a disk.
Result<std::string> MakeEditDir(const HomeFiles& home) {
  std::string base;
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  if (xdg != nullptr && xdg[0] == '/') {
    base = std::string(xdg) + "/inch";
    ::mkdir(base.c_str(), 0700);
    struct stat st {};
    // Only a folder that is ours and private; else fall back to the home.
    if (::lstat(base.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) ||
        st.st_uid != ::getuid() || (st.st_mode & 077) != 0) {
      base.clear();
    }
  }
  if (base.empty()) base = home.dir;
  std::string tmpl = base + "/.edit-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr) {  // mode 0700
    return Fail(Errc::kIo, "cannot create a private folder in " + base);
  }
  return std::string(name.data());
}

// Zeroes and removes everything in `dir` (the file, editor swap/backup
// files), then the folder.
void ShredDir(const std::string& dir) {
  if (DIR* d = ::opendir(dir.c_str())) {
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    for (const auto& n : names) ShredFile(dir + "/" + n);
  }
  ::rmdir(dir.c_str());
}

Result<std::string> RunEditor(std::string_view initial, const HomeFiles& home) {
  auto dir = MakeEditDir(home);
  if (!dir) return std::unexpected(dir.error());
  std::string path = *dir + "/entry.txt";
  std::string content(initial);
  if (auto ok = WriteFileAtomic(path, content); !ok) {
    ShredDir(*dir);
    return std::unexpected(ok.error());
  }
  WipeString(content);
  const char* editor = std::getenv("VISUAL");
  if (editor == nullptr || *editor == '\0') editor = std::getenv("EDITOR");
  if (editor == nullptr || *editor == '\0') editor = "vi";
  pid_t pid = ::fork();
  if (pid == 0) {
    // Through the shell so EDITOR may carry arguments ("code --wait").
    std::string cmd = std::string(editor) + " \"$1\"";
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), "inch-editor", path.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  bool ok = pid > 0;
  while (ok && ::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) ok = false;
  }
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ShredDir(*dir);
    return Fail(Errc::kInvalidInput,
                std::string("the editor (") + editor +
                    ") did not finish cleanly; nothing was saved");
  }
  auto text = ReadFile(path, kMaxStdinBytes);
  ShredDir(*dir);
  if (!text) return std::unexpected(text.error());
  return text;
}

}  // namespace

void WipeString(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

Result<std::string> ReadEntryText(const std::optional<std::string>& arg,
                                  std::string_view initial,
                                  const HomeFiles& home) {
  Result<std::string> text = arg                 ? Result<std::string>(*arg)
                             : StdinIsTerminal() ? RunEditor(initial, home)
                                                 : ReadStdin();
  if (text) StripTrailingNewlines(*text);
  return text;
}

}  // namespace inch::cli
