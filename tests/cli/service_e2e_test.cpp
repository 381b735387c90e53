// `inch service install|uninstall` (issue 9, point 8), through the real
// binary: the systemd user unit runs this very binary's `inch serve` for
// this home, restarts it on failure and holds no secret; installing twice
// is fine; a unit that inch did not write is neither overwritten nor
// removed. systemctl is never run; systemd-analyze verify checks the unit
// where it is installed.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/inch_process.hpp"

namespace inch::test {
namespace {

namespace fs = std::filesystem;

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunResult init = box_.RunWithPassphrase({"init"});
    ASSERT_EQ(init.exit_code, 0) << Describe(init);
    config_ = box_.root() + "/config";
    unit_ = config_ + "/systemd/user/inch.service";
  }
  RunResult Service(const std::string& verb) const {
    return box_.Run({"service", verb}, "", {{"XDG_CONFIG_HOME", config_}});
  }
  static std::string Real(const std::string& path) {
    return fs::canonical(path).string();
  }

  InchSandbox box_;
  std::string config_, unit_;
};

TEST_F(ServiceTest, InstallWritesAUnitThatRunsServeForThisHome) {
  RunResult r = Service("install");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find(unit_), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("Now run: systemctl --user enable --now inch"),
            std::string::npos)
      << r.err;
  std::string unit = ReadFileBytes(unit_);
  EXPECT_NE(unit.find("\nExecStart=\"" + Real(INCH_BINARY) + "\" serve\n"),
            std::string::npos)
      << unit;
  EXPECT_NE(unit.find("\nEnvironment=\"INCH_HOME=" + box_.home() + "\"\n"),
            std::string::npos)
      << unit;
  EXPECT_NE(unit.find("\nRestart=on-failure\n"), std::string::npos) << unit;
  EXPECT_NE(unit.find("\nWantedBy=default.target\n"), std::string::npos);
  // No secret, and not even where one is kept.
  EXPECT_EQ(unit.find(std::string(InchSandbox::kPassphrase)),
            std::string::npos);
  EXPECT_EQ(unit.find(box_.passphrase_file()), std::string::npos);
  EXPECT_EQ(unit.find("passphrase-file"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(unit_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 022, 0u);
}

TEST_F(ServiceTest, TheDefaultHomeAndConfigFolderAreLeftImplicit) {
  // HOME alone: the home is ~/.local/share/inch, the unit under ~/.config.
  EnvVars env = box_.Env();
  env.erase("INCH_HOME");
  env.erase("XDG_DATA_HOME");
  ASSERT_EQ(RunInch({"init", "--passphrase-file", box_.passphrase_file()}, env)
                .exit_code,
            0);
  RunResult r = RunInch({"service", "install"}, env);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  std::string unit =
      ReadFileBytes(box_.root() + "/.config/systemd/user/inch.service");
  EXPECT_NE(unit.find("ExecStart="), std::string::npos) << unit;
  EXPECT_EQ(unit.find("INCH_HOME"), std::string::npos) << unit;
}

TEST_F(ServiceTest, InstallingTwiceIsFine) {
  ASSERT_EQ(Service("install").exit_code, 0);
  std::string first = ReadFileBytes(unit_);
  RunResult again = Service("install");
  EXPECT_EQ(again.exit_code, 0) << Describe(again);
  EXPECT_NE(again.out.find("installed already"), std::string::npos)
      << again.out;
  EXPECT_EQ(ReadFileBytes(unit_), first);
}

TEST_F(ServiceTest, AUnitThatIsNotOursIsNeverOverwrittenOrRemoved) {
  fs::create_directories(config_ + "/systemd/user");
  const std::string theirs = "[Service]\nExecStart=/usr/bin/their-inch\n";
  {
    std::ofstream out(unit_);
    out << theirs;
  }
  RunResult install = Service("install");
  EXPECT_EQ(install.exit_code, 1) << Describe(install);
  EXPECT_NE(install.err.find("not written by inch"), std::string::npos)
      << install.err;
  EXPECT_NE(install.err.find("move it aside"), std::string::npos);
  EXPECT_EQ(ReadFileBytes(unit_), theirs);
  RunResult uninstall = Service("uninstall");
  EXPECT_EQ(uninstall.exit_code, 1) << Describe(uninstall);
  EXPECT_EQ(ReadFileBytes(unit_), theirs);
}

TEST_F(ServiceTest, UninstallRemovesTheUnitAndItsEnablement) {
  ASSERT_EQ(Service("install").exit_code, 0);
  // What `systemctl --user enable` would have made.
  std::string wants = config_ + "/systemd/user/default.target.wants";
  fs::create_directories(wants);
  fs::create_symlink(unit_, wants + "/inch.service");
  RunResult r = Service("uninstall");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_FALSE(fs::exists(unit_));
  EXPECT_FALSE(fs::is_symlink(wants + "/inch.service"));
  EXPECT_NE(r.err.find("systemctl --user"), std::string::npos) << r.err;
  RunResult again = Service("uninstall");
  EXPECT_EQ(again.exit_code, 0) << Describe(again);
  EXPECT_NE(again.out.find("No inch service is installed"), std::string::npos)
      << again.out;
}

TEST_F(ServiceTest, SystemdAcceptsTheUnit) {
  const std::string analyze = "/usr/bin/systemd-analyze";
  if (::access(analyze.c_str(), X_OK) != 0) {
    GTEST_SKIP() << "SKIPPED: systemd-analyze is not installed, so the unit "
                    "is not checked by systemd (install systemd to check it)";
  }
  ASSERT_EQ(Service("install").exit_code, 0);
  RunResult verify = RunProcess(analyze, {"verify", unit_}, box_.Env());
  EXPECT_EQ(verify.exit_code, 0) << Describe(verify);
  EXPECT_EQ(verify.err.find("inch.service"), std::string::npos) << verify.err;
}

}  // namespace
}  // namespace inch::test
