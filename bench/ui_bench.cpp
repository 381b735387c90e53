// Prints (never asserts) what the web interface costs: (a) the time from
// starting `inch ui --no-open` to its first 200 response (the URL read from
// its first line, the token exchanged for the cookie, then GET / with it),
// median of 10 starts; (b) GET /api/lists latency with N wishes (default
// 1000), through the API handlers on a real home (median of 20).
// Usage: ui_bench [N].
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "crypto/secret.hpp"
#include "ui/api.hpp"
#include "ui/http_types.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
namespace asio = inch::net::asio;
namespace http = inch::ui::http;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs `inch args...`; its stdout goes to `out_fd` (or /dev/null when -1).
pid_t Spawn(const std::vector<std::string>& args, int out_fd) {
  std::vector<std::string> all = {INCH_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (out_fd >= 0) {
    posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY,
                                     0);
  }
  pid_t pid = -1;
  if (posix_spawn(&pid, INCH_BINARY, &fa, nullptr, argv.data(), environ) != 0)
    pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

int Run(const std::vector<std::string>& args) {
  pid_t pid = Spawn(args, -1);
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

http::response<http::string_body> Get(unsigned short port,
                                      const std::string& target,
                                      const std::string& cookie) {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  if (!cookie.empty()) req.set(http::field::cookie, cookie);
  http::write(s, req);
  inch::ui::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  return res;
}

// One start of `inch ui --no-open` to its first 200, in ms (-1 on failure).
double TimeToFirst200() {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const auto t0 = Clock::now();
  pid_t pid = Spawn({"ui", "--no-open"}, fds[1]);
  close(fds[1]);
  std::string line;
  char c = 0;
  while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  double ms = -1;
  try {
    const auto colon = line.find(':', 7);
    const auto slash = line.find('/', colon);
    const auto port = static_cast<unsigned short>(
        std::stoi(line.substr(colon + 1, slash - colon - 1)));
    auto first = Get(port, line.substr(slash), "");
    std::string cookie(first[http::field::set_cookie]);
    cookie = cookie.substr(0, cookie.find(';'));
    auto page = Get(port, "/", cookie);
    if (page.result() == http::status::ok) ms = Ms(Clock::now() - t0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ui_bench: %s\n", e.what());
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  close(fds[0]);
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  const int items = argc > 1 ? std::atoi(argv[1]) : 1000;
  if (!inch::crypto::InitCrypto()) return 1;
  const fs::path root =
      fs::temp_directory_path() / ("inch-ui-bench-" + std::to_string(getpid()));
  fs::create_directories(root / "run");
  fs::permissions(root / "run", fs::perms::owner_all);
  const std::string home = (root / "home").string();
  const std::string pass = (root / "pass").string();
  std::ofstream(pass) << "bench passphrase\n";
  setenv("INCH_HOME", home.c_str(), 1);
  setenv("XDG_RUNTIME_DIR", (root / "run").c_str(), 1);
  if (Run({"init", "--passphrase-file", pass}) != 0 ||
      Run({"unlock", "--passphrase-file", pass}) != 0) {
    std::fprintf(stderr, "ui_bench: cannot make a home in %s\n", root.c_str());
    return 1;
  }

  std::vector<double> starts;
  for (int i = 0; i < 10; ++i) starts.push_back(TimeToFirst200());
  std::printf(
      "inch ui --no-open to first 200 (GET / with the cookie): "
      "median %.1f ms, min %.1f ms over 10 starts\n",
      Median(starts), *std::min_element(starts.begin(), starts.end()));

  inch::ui::Api api(inch::ui::ApiConfig{home});
  const auto t_add = Clock::now();
  for (int i = 0; i < items; ++i) {
    auto res = api.Handle({"POST",
                           "/api/wishes",
                           {{"text", "wish number " + std::to_string(i) +
                                         " with a few more words"},
                            {"importance", 1 + i % 5}}});
    if (res.status != 201) {
      std::fprintf(stderr, "ui_bench: add failed: %s\n",
                   res.body.dump().c_str());
      return 1;
    }
  }
  std::printf("POST /api/wishes: %.2f ms each (%d wishes)\n",
              Ms(Clock::now() - t_add) / items, items);
  std::vector<double> lists;
  std::size_t bytes = 0;
  for (int i = 0; i < 20; ++i) {
    const auto t = Clock::now();
    auto res = api.Handle({"GET", "/api/lists", {}});
    bytes = res.body.dump().size();
    lists.push_back(Ms(Clock::now() - t));
  }
  std::printf(
      "GET /api/lists with %d wishes: median %.1f ms (%zu bytes of "
      "JSON, handler only, no socket)\n",
      items, Median(lists), bytes);
  Run({"lock"});
  fs::remove_all(root);
  return 0;
}
