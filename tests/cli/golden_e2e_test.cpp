// Homes written by an earlier build must keep working: tests/data/golden/v1
// holds two paired homes (made by tests/data/golden/make.sh with the build
// of that format version). Today's binary must open them with their
// passphrases, show what their owners wrote, refuse a wrong passphrase
// without touching them, and let the two old homes sync new changes.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/cli/net_fixture.hpp"

namespace inch::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kGolden = fs::path(INCH_TEST_DATA_DIR) / "golden" / "v1";

class GoldenHomes : public TwoNodes {
 protected:
  // Replaces the fixture's fresh homes with copies of the golden ones, with
  // the permissions a node insists on (git keeps neither 0700 nor 0600).
  void SetUp() override {
    Install(a_, "alex");
    Install(b_, "sam");
  }
  static void Install(const InchSandbox& box, const std::string& who) {
    fs::create_directory(box.home());
    ::chmod(box.home().c_str(), 0700);
    for (const auto& file : fs::directory_iterator(kGolden / who)) {
      const fs::path to = fs::path(box.home()) / file.path().filename();
      fs::copy_file(file.path(), to);
      ::chmod(to.c_str(), 0600);
    }
    box.WriteFile("passphrase", ReadFileBytes(kGolden / (who + ".pass")));
  }
  static json Doc(const InchSandbox& box, std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    RunResult r = box.RunWithPassphrase(args);
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    return json::parse(r.out, nullptr, false);
  }
  // The item of `list --json` whose text is `text` (null when absent).
  static json Item(const json& list, const std::string& text) {
    if (list.is_array()) {
      for (const json& it : list) {
        if (it.value("text", "") == text) return it;
      }
    }
    return json();
  }
};

TEST_F(GoldenHomes, OpenAndShowWhatTheirOwnersWrote) {
  json journal = Doc(a_, {"journal", "list"});
  EXPECT_NE(journal.dump().find("golden journal of alex"), std::string::npos)
      << journal.dump();
  EXPECT_EQ(journal.dump().find("golden journal of sam"), std::string::npos);

  json list = Doc(a_, {"list"});
  json give = Item(list, "golden give of alex");
  EXPECT_EQ(give.value("progress", ""), "chosen") << list.dump();
  EXPECT_EQ(give.value("thanked", false), true) << list.dump();
  EXPECT_EQ(Item(list, "golden draft of alex").value("shared", true), false);
  EXPECT_EQ(Item(list, "golden wish of sam").value("author", ""), "partner");
  EXPECT_TRUE(Item(list, "golden withdrawn wish of alex").is_null());

  json notes = Doc(a_, {"notes"});
  ASSERT_TRUE(notes.is_array() && notes.size() == 1) << notes.dump();
  EXPECT_EQ(notes[0].value("text", ""), "golden note of sam");
  EXPECT_EQ(notes[0].value("direction", ""), "received");

  json sam_list = Doc(b_, {"list"});
  EXPECT_EQ(Item(sam_list, "golden give of alex").value("thanked", false),
            true);
  EXPECT_TRUE(Item(sam_list, "golden draft of alex").is_null())
      << "a draft never left alex's home";
  EXPECT_TRUE(Item(sam_list, "golden withdrawn wish of alex").is_null());

  json sa = Doc(a_, {"status"}), sb = Doc(b_, {"status"});
  ASSERT_TRUE(sa["partner"].is_object()) << sa.dump();
  EXPECT_EQ(sa["partner"]["node_id"], sb["node_id"]);
  EXPECT_EQ(sa["partner"]["check_words"], sb["partner"]["check_words"]);
}

TEST_F(GoldenHomes, AWrongPassphraseIsRefusedAndChangesNothing) {
  const std::string before = ReadFileBytes(a_.home() + "/journal.db");
  a_.WriteFile("passphrase", "not the golden passphrase\n");
  RunResult r = a_.RunWithPassphrase({"journal", "list"});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("passphrase"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFileBytes(a_.home() + "/journal.db"), before);
}

TEST_F(GoldenHomes, TheOldPairStillSyncs) {
  for (InchSandbox* box : {&a_, &b_}) {
    RunResult unlock = box->RunWithPassphrase({"unlock"});
    ASSERT_EQ(unlock.exit_code, 0) << Describe(unlock);
  }
  std::string address;
  auto serve_b = Serve(b_, &address);
  std::string wish = RandomMarker("NEWWISH");
  SharedWish(a_, wish);
  json list = Doc(b_, {"list"});
  const std::string give_id = Item(list, "golden give of alex").value("id", "");
  ASSERT_FALSE(give_id.empty()) << list.dump();
  Ok(b_, {"done", give_id});
  RunResult sync = a_.Run({"sync", "--peer", address});
  ASSERT_EQ(sync.exit_code, 0) << Describe(sync);
  EXPECT_TRUE(PartnerListHas(b_, wish));
  EXPECT_EQ(
      Item(Doc(a_, {"list"}), "golden give of alex").value("progress", ""),
      "done");
  serve_b->Signal(SIGTERM);
  EXPECT_EQ(serve_b->Wait().exit_code, 0);
}

}  // namespace
}  // namespace inch::test
