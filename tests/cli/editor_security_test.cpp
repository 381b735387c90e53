// The editor leaves nothing behind (issue 8, point 6): whatever ends the
// edit (the editor, a failure, SIGINT, SIGTERM, SIGHUP, SIGQUIT, even
// SIGKILL of inch) no file under the home or the runtime folder holds the
// text, the journal is unchanged, and the file only ever lived in memory.
// Where no private in-memory folder exists, the editor is refused.
#include <sys/wait.h>
#include <unistd.h>

#include "tests/cli/editor_fixture.hpp"

namespace inch {
namespace {

using test::Describe;
using test::EditorTest;
using test::RandomMarker;
using test::RunResult;

// The fake editor records where its file is (and that it is on tmpfs, mode
// 0700), writes the marker into it, then `stop` (a signal, a failure).
// The script holds the marker in two halves, so it is no hit itself.
std::string StoppingEditor(const std::string& marker, const std::string& stop) {
  return "printf '%s\\n' \"$1\" > @ROOT@/where\n"
         "stat -f -c %T \"$(dirname \"$1\")\" > @ROOT@/fstype\n"
         "stat -c %a \"$(dirname \"$1\")\" > @ROOT@/mode\n"
         "printf '%s%s\\n' '" +
         marker.substr(0, 8) + "' '" + marker.substr(8) + "' > \"$1\"\n" + stop;
}

struct StopCase {
  const char* name;
  const char* stop;      // the editor's last lines
  const char* expected;  // in inch's message
  bool xdg_unset;        // XDG_RUNTIME_DIR unset: the /dev/shm fallback
};

const StopCase kStops[] = {
    // As the terminal's ^C does: to the whole foreground process group.
    {"SigintToTheGroup", "kill -INT 0\nexec sleep 5", "SIGINT", false},
    {"SigintToInch", "kill -INT $PPID\nexec sleep 5", "SIGINT", false},
    {"SigtermToInch", "kill -TERM $PPID\nexec sleep 5", "SIGTERM", false},
    {"SighupToInch", "kill -HUP $PPID\nexec sleep 5", "SIGHUP", false},
    {"SigquitToInch", "kill -QUIT $PPID\nexec sleep 5", "SIGQUIT", false},
    {"SigtermWithoutRuntimeDir", "kill -TERM $PPID\nexec sleep 5", "SIGTERM",
     true},
    // The editor survives ^C and exits 0: the edit is still cancelled.
    {"EditorSurvivesSigint", "trap '' INT\nkill -INT 0\nexit 0", "SIGINT",
     false},
    // The editor ignores SIGTERM: inch kills it after its grace.
    {"EditorIgnoresSigterm", "trap '' TERM\nkill -TERM $PPID\nexec sleep 30",
     "SIGTERM", false},
    {"EditorFails", "exit 3", "exited with status 3", false},
    {"EditorDiesBySignal", "kill -KILL $$", "stopped by SIGKILL", false},
};

class EditorStopTest : public EditorTest,
                       public ::testing::WithParamInterface<StopCase> {};

TEST_P(EditorStopTest, LeavesNoTextAndChangesNothing) {
  const StopCase& c = GetParam();
  ASSERT_EQ(Inch({"journal", "write", "first"}).exit_code, 0);
  for (std::vector<std::string> args :
       {std::vector<std::string>{"journal", "write"},
        {"journal", "edit", "1"}}) {
    std::string before = Snapshot();
    std::string marker = RandomMarker();
    std::string editor = Editor("editor", StoppingEditor(marker, c.stop));
    ::unlink((box_.root() + "/where").c_str());
    test::EnvVars extra;
    if (c.xdg_unset) extra["XDG_RUNTIME_DIR"] = "";
    RunResult r = OnTerminal(args, editor, extra);
    std::string what = args[1] + " " + c.name + "\n" + Describe(r);
    // inch survived the signal, cleaned up and said so.
    EXPECT_EQ(r.exit_code, 1) << what;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << what;
    EXPECT_NE(r.err.find("nothing was saved"), std::string::npos) << what;
    EXPECT_EQ(Snapshot(), before) << what;
    // The editor ran on a file in memory, in a private folder...
    std::string where = Recorded("where");
    ASSERT_FALSE(where.empty()) << "the editor did not run\n" << what;
    EXPECT_EQ(Recorded("fstype"), "tmpfs") << where;
    EXPECT_EQ(Recorded("mode"), "700") << where;
    EXPECT_NE(where.rfind(box_.root(), 0), 0u)
        << "inside the sandbox: " << where;
    // ...which is gone, and the text is nowhere.
    std::string folder = where.substr(0, where.rfind('/'));
    EXPECT_FALSE(Exists(where)) << where;
    EXPECT_FALSE(Exists(folder)) << folder;
    EXPECT_EQ(Hits(box_.root(), marker), "") << what;
    EXPECT_EQ(Hits(runtime_, marker), "") << what;
  }
}

INSTANTIATE_TEST_SUITE_P(Stops, EditorStopTest, ::testing::ValuesIn(kStops),
                         [](const ::testing::TestParamInfo<StopCase>& i) {
                           return i.param.name;
                         });

TEST_F(EditorTest, KilledInchLeavesTextOnlyInMemoryAndTheNextRunWipesIt) {
  // SIGKILL cannot be caught: the folder stays, in RAM, until the next run.
  std::string marker = RandomMarker();
  std::string editor = Editor(
      "editor", StoppingEditor(marker, "kill -KILL $PPID\nexec sleep 5"));
  RunResult r = OnTerminal({"journal", "write"}, editor);
  EXPECT_EQ(r.exit_code, 128 + SIGKILL) << Describe(r);
  std::string where = Recorded("where");
  ASSERT_EQ(where.rfind(runtime_ + "/inch/edit-", 0), 0u) << where;
  EXPECT_EQ(Hits(box_.root(), marker), "");
  // The next run (with the runtime folder the killed one used) sweeps it.
  RunResult sweep = OnTerminal({"journal", "write", "again"}, editor);
  ASSERT_EQ(sweep.exit_code, 0) << Describe(sweep);
  EXPECT_FALSE(Exists(where.substr(0, where.rfind('/')))) << where;
  EXPECT_EQ(Hits(runtime_, marker), "");
}

TEST_F(EditorTest, FoldersLeftByOlderRunsAreSwept) {
  // What the old version left in the home, and a folder of a dead inch.
  std::string old_marker = RandomMarker("OLD"), dead_marker = RandomMarker();
  std::string legacy = box_.home() + "/.edit-AbC123";
  ASSERT_EQ(::mkdir(legacy.c_str(), 0700), 0);
  box_.WriteFile("home/.edit-AbC123/entry.txt", old_marker);
  pid_t gone = ::fork();
  if (gone == 0) ::_exit(0);
  ASSERT_GT(gone, 0);
  ::waitpid(gone, nullptr, 0);
  std::string inch_dir = runtime_ + "/inch";
  ::mkdir(inch_dir.c_str(), 0700);
  std::string dead = inch_dir + "/edit-" + std::to_string(gone) + "-XyZ789";
  std::string alive =
      inch_dir + "/edit-" + std::to_string(::getpid()) + "-Live00";
  ASSERT_EQ(::mkdir(dead.c_str(), 0700), 0);
  ASSERT_EQ(::mkdir(alive.c_str(), 0700), 0);
  std::string dead_file = dead + "/entry.txt";
  FILE* f = std::fopen(dead_file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(dead_marker.c_str(), f);
  std::fclose(f);

  RunResult r = OnTerminal({"journal", "write", "by argument"}, "false");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_FALSE(Exists(legacy));
  EXPECT_FALSE(Exists(dead));
  EXPECT_TRUE(Exists(alive)) << "a running inch's folder was swept";
  EXPECT_EQ(Hits(box_.root(), old_marker), "");
  EXPECT_EQ(Hits(runtime_, dead_marker), "");
}

TEST_F(EditorTest, NoInMemoryFolderRefusesTheEditorButStdinAndTextWork) {
  // A runtime folder on a disk, and no usable shm folder either.
  if (test::OnTmpfs(box_.root())) GTEST_SKIP() << "the sandbox is on tmpfs";
  std::string disk_shm = box_.root() + "/shm";
  ASSERT_EQ(::mkdir(disk_shm.c_str(), 01777), 0);
  std::string editor =
      Editor("editor", "touch @ROOT@/ran\nprintf 'x\\n' > \"$1\"");
  ASSERT_EQ(Inch({"journal", "write", "first"}).exit_code, 0);
  for (const test::EnvVars& env :
       {test::EnvVars{{"XDG_RUNTIME_DIR", box_.runtime_dir()},
                      {"INCH_SHM_DIR", disk_shm}},
        test::EnvVars{{"XDG_RUNTIME_DIR", ""}, {"INCH_SHM_DIR", disk_shm}}}) {
    for (std::vector<std::string> args :
         {std::vector<std::string>{"journal", "write"},
          {"journal", "edit", "1"}}) {
      std::string before = Snapshot();
      RunResult r = OnTerminal(args, editor, env);
      std::string cmd = "inch " + args[0] + " " + args[1] +
                        (args.size() > 2 ? " " + args[2] : "");
      EXPECT_EQ(r.exit_code, 1) << Describe(r);
      EXPECT_NE(r.err.find("the editor is not started"), std::string::npos)
          << r.err;
      EXPECT_NE(r.err.find("`" + cmd + " \"TEXT\"`"), std::string::npos)
          << r.err;
      EXPECT_NE(r.err.find("| " + cmd + "`"), std::string::npos) << r.err;
      EXPECT_FALSE(Exists(box_.root() + "/ran")) << "the editor was started";
      EXPECT_EQ(Snapshot(), before);
    }
    // Piped stdin and TEXT still work, in the same environment.
    test::EnvVars full = EditorEnv(editor, env);
    RunResult piped = test::RunInch(
        {"journal", "write", "--passphrase-file", box_.passphrase_file()}, full,
        "piped in\n");
    EXPECT_EQ(piped.exit_code, 0) << Describe(piped);
    RunResult text = OnTerminal({"journal", "write", "as TEXT"}, editor, env);
    EXPECT_EQ(text.exit_code, 0) << Describe(text);
  }
  std::string all = Snapshot();
  EXPECT_NE(all.find("piped in"), std::string::npos) << all;
  EXPECT_NE(all.find("as TEXT"), std::string::npos) << all;
  // Nothing was made on the disk folders either.
  for (const auto& e : std::filesystem::directory_iterator(disk_shm)) {
    ADD_FAILURE() << "left in the shm folder: " << e.path();
  }
}

TEST_F(EditorTest, RuntimeFolderOpenToOthersIsNotUsed) {
  // A runtime folder in memory but mode 0755: the file goes elsewhere, to
  // a fresh private folder in /dev/shm.
  ASSERT_EQ(::chmod(runtime_.c_str(), 0755), 0);
  std::string editor =
      Editor("editor", StoppingEditor("plain words", "exit 0"));
  RunResult r = OnTerminal({"journal", "write"}, editor);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  std::string where = Recorded("where");
  EXPECT_NE(where.rfind(runtime_, 0), 0u) << where;
  EXPECT_EQ(where.rfind("/dev/shm/inch-edit-", 0), 0u) << where;
  EXPECT_EQ(Recorded("mode"), "700");
  EXPECT_FALSE(Exists(where));
}

}  // namespace
}  // namespace inch
