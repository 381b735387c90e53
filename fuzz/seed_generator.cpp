// Writes the seed corpora under <dir>/<target>/: valid encodings from the
// real encoders, then truncations, bit flips and over-declared lengths of
// them. Deterministic, so re-running it rewrites the same files. Usage:
//   inch_fuzz_seeds <fuzz/corpus>
#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cli/node_file.hpp"
#include "crypto/cpace.hpp"
#include "crypto/identity.hpp"
#include "fuzz/targets/fixtures.hpp"
#include "fuzz/targets/fuzz_targets.hpp"
#include "net/frame.hpp"
#include "proto/ops.pb.h"
#include "proto/wire.pb.h"
#include "store/journal/record.hpp"
#include "store/shared/op_codec.hpp"

namespace inch::fuzz {
namespace {

namespace fs = std::filesystem;

class Writer {
 public:
  Writer(fs::path root, std::string target, std::size_t keep)
      : dir_(std::move(root) / target), keep_(keep) {
    fs::create_directories(dir_);
  }
  // One seed plus its truncations and flips; the first `keep_` bytes (a
  // mode byte) are never changed.
  void Seed(const std::string& name, const Bytes& data, bool mutate = true) {
    Put(name, data);
    if (!mutate || data.size() <= keep_) return;
    const std::size_t body = data.size() - keep_;
    for (std::size_t cut : {keep_ + 1, keep_ + body / 2, data.size() - 1}) {
      if (cut < data.size())
        Put(name + ".trunc-" + std::to_string(cut),
            Bytes(data.begin(),
                  data.begin() + static_cast<std::ptrdiff_t>(cut)));
    }
    for (std::size_t at : {keep_, keep_ + body / 3, data.size() - 1}) {
      Bytes flipped = data;
      flipped[at] ^= 0x04;
      Put(name + ".flip-" + std::to_string(at), flipped);
    }
  }
  void Put(const std::string& name, const Bytes& data) {
    std::ofstream out(dir_ / name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
    ++count_;
  }
  ~Writer() { std::cout << dir_.filename().string() << ": " << count_ << "\n"; }

 private:
  fs::path dir_;
  std::size_t keep_;
  int count_ = 0;
};

Bytes Cat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes Of(const google::protobuf::MessageLite& m) {
  std::string s = m.SerializeAsString();
  return Bytes(s.begin(), s.end());
}

Bytes Seq(std::uint64_t seq) {
  Bytes b(8);
  for (int i = 0; i < 8; ++i)
    b[static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(seq >> (8 * (7 - i)));
  return b;
}

// One op of every body kind (valid), and a few near misses.
std::vector<std::pair<std::string, proto::Op>> SampleOps() {
  std::vector<std::pair<std::string, proto::Op>> ops;
  auto add = [&](std::string name, std::uint64_t seq) -> proto::Op& {
    ops.emplace_back(std::move(name), proto::Op());
    ops.back().second.set_seq(seq);
    ops.back().second.set_hlc((1700000000000ull << 16) | seq);
    return ops.back().second;
  };
  auto* wish = add("create-wish", 1).mutable_create();
  wish->set_n(1), wish->set_type(proto::WISH),
      wish->set_text("a walk by the sea");
  wish->set_importance(4);
  auto* give = add("create-give", 2).mutable_create();
  give->set_n(2), give->set_type(proto::GIVE),
      give->set_text("dinner \xc3\xa9t\xc3\xa9");
  give->set_size(proto::MEDIUM);
  give->mutable_for_item()->set_other(true), give->mutable_for_item()->set_n(3);
  give->mutable_smaller_than()->set_n(1);
  auto* edit = add("edit", 3).mutable_edit();
  edit->set_n(1), edit->set_text("two walks"), edit->set_importance(5);
  edit->set_size(proto::LARGE);
  add("share", 4).mutable_share()->set_n(1);
  add("withdraw", 5).mutable_withdraw()->set_n(2);
  auto* respond = add("respond", 6).mutable_respond();
  respond->set_n(2), respond->set_kind(proto::THANKED);
  auto* consent = add("consent", 7).mutable_consent();
  consent->set_kind(proto::NOTES), consent->set_on(true);
  auto* note = add("note", 8).mutable_note();
  note->set_n(4), note->set_text("thank you");
  add("unpair", 9).mutable_unpair();
  add("erased", 10).mutable_erased();
  auto* bad = add("bad-importance", 11).mutable_create();
  bad->set_n(5), bad->set_type(proto::WISH), bad->set_text("x"),
      bad->set_importance(9);
  auto* utf = add("bad-utf8", 12).mutable_note();
  utf->set_n(6), utf->set_text(std::string("\xed\xa0\x80", 3));
  add("no-body", 13);
  return ops;
}

void Frames(const fs::path& root) {
  Writer w(root, "frame", 3);
  Bytes big(300, 0x61), one{0x7f};
  auto f1 = *net::EncodeFrame(one), f2 = *net::EncodeFrame(big);
  w.Seed("two-frames", Cat({Bytes{0xff, 0xfe, 0x01}, f1, f2}));
  w.Seed("split-odd", Cat({Bytes{0xff, 0xfe, 0x43}, f2, f1, f2}));
  // Byte 2's bit 7: an exact limit (48, as a handshake message).
  Bytes m48(48, 0x30), m47(47, 0x2f);
  w.Seed("exact", Cat({Bytes{0x00, 0x2f, 0x81}, *net::EncodeFrame(m48),
                       *net::EncodeFrame(m48)}));
  w.Seed("exact-short", Cat({Bytes{0x00, 0x2f, 0x80}, *net::EncodeFrame(m47)}),
         false);
  w.Seed("over-limit", Cat({Bytes{0x00, 0x09, 0x02}, f2}));  // limit 10
  w.Seed("zero-length", Bytes{0xff, 0xfe, 0x05, 0x00, 0x00, 0x41}, false);
  w.Seed("over-declared", Cat({Bytes{0xff, 0xfe, 0x00, 0xff, 0xff}, one}),
         false);
}

void WireMessages(const fs::path& root) {
  Writer w(root, "wire_message", 0);
  proto::WireMessage hello;
  hello.mutable_hello()->set_version(1),
      hello.mutable_hello()->set_received_up_to(7);
  hello.mutable_hello()->set_listen_port(4711),
      hello.mutable_hello()->set_live(true);
  w.Seed("hello", Of(hello));
  proto::WireMessage batch;
  for (auto& [name, op] : SampleOps()) {
    Bytes sealed = store::SealWireOp(OpKey(), AuthorKey(), op);
    batch.mutable_batch()->add_ops(std::string(sealed.begin(), sealed.end()));
    if (batch.batch().ops_size() == 3) break;
  }
  w.Seed("batch", Of(batch));
  proto::WireMessage ack, done, unpair, ping;
  ack.mutable_ack()->set_received_up_to(12);
  done.mutable_done()->set_batches_sent(3),
      done.mutable_done()->set_batches_applied(2);
  unpair.mutable_unpair(), ping.mutable_ping();
  w.Seed("ack", Of(ack));
  w.Seed("done", Of(done));
  w.Seed("unpair", Of(unpair), false);
  w.Seed("ping", Of(ping), false);
}

void WireOps(const fs::path& root) {
  Writer w(root, "wire_op", 1);
  int i = 0;
  for (auto& [name, op] : SampleOps()) {
    Bytes sealed = store::SealWireOp(OpKey(), AuthorKey(), op);
    if (i++ < 3) w.Seed("sealed-" + name, Cat({Bytes{0}, sealed}));
    w.Seed("plain-" + name, Cat({Bytes{2}, Seq(op.seq()), Of(op)}), false);
  }
  // Authenticated plaintext with no valid padding (mode 1).
  w.Seed("unpadded", Cat({Bytes{1}, Seq(1), Of(SampleOps()[0].second)}), false);
  Bytes padded = Of(SampleOps()[0].second);
  std::size_t len = padded.size();
  padded.resize(len + store::kWirePadBucket);
  std::size_t padded_len = 0;
  sodium_pad(&padded_len, padded.data(), len, store::kWirePadBucket,
             padded.size());
  padded.resize(padded_len);
  w.Seed("padded", Cat({Bytes{1}, Seq(1), padded}));
}

void Ops(const fs::path& root) {
  Writer w(root, "op", 0);
  for (auto& [name, op] : SampleOps()) w.Seed(name, Of(op));
}

void JournalRecords(const fs::path& root) {
  Writer w(root, "journal_record", 0);
  store::JournalEntry plain{1,  "dear diary",  std::nullopt,
                            {}, 1700000000000, 1700000000001};
  store::JournalEntry full{
      2, "caf\xc3\xa9 with R.", "gratitude-3", {"us", "food"}, 5, 6};
  w.Seed("plain", store::journal_record::EncodeRecord(plain));
  w.Seed("prompt-tags", store::journal_record::EncodeRecord(full));
  Bytes over = store::journal_record::EncodeRecord(plain);
  over[17] = over[18] = over[19] = over[20] = 0xff;  // text length 4 GiB
  w.Seed("over-declared-text", over, false);
  Bytes tags = store::journal_record::EncodeRecord(full);
  tags[tags.size() - 18] = 0x21;  // tag count 33 > kMaxTags
  w.Seed("too-many-tags", tags, false);
  Bytes trailing = store::journal_record::EncodeRecord(plain);
  trailing.push_back(0);
  w.Seed("trailing-byte", trailing, false);
}

void NodeFiles(const fs::path& root) {
  Writer w(root, "node_file", 0);
  cli::NodeFile node;
  crypto::Secret sk = FixedSecret(0x21);
  node.identity_public.resize(crypto_scalarmult_BYTES);
  crypto_scalarmult_base(node.identity_public.data(), sk.data());
  node.node_id = crypto::NodeId(node.identity_public);
  node.wrapped.kdf = {3, 64u << 20, crypto_pwhash_ALG_ARGON2ID13,
                      Bytes(16, 0x5c)};
  node.wrapped.sealed_master = Bytes(73, 0x11);
  node.sealed_identity = Bytes(73, 0x22);
  std::string text = cli::EncodeNodeFile(node);
  w.Seed("valid", Bytes(text.begin(), text.end()));
  auto variant = [&](const std::string& name, const std::string& from,
                     const std::string& to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    w.Put(name, Bytes(t.begin(), t.end()));
  };
  variant("too-new", "\"format\": 1", "\"format\": 2");
  variant("format-string", "\"format\": 1", "\"format\": \"1\"");
  variant("format-float", "\"format\": 1", "\"format\": 1.5");
  variant("opslimit-negative", "\"opslimit\": 3", "\"opslimit\": -3");
  variant("wrong-alg", "argon2id13", "scrypt");
  variant("odd-hex", "\"salt\": \"5c", "\"salt\": \"5");
  w.Put("not-object", Bytes{'[', '1', ']'});
}

void Handshakes(const fs::path& root) {
  Writer w(root, "handshake", 1);
  w.Seed("message0", Cat({Bytes{0}, HonestMessage0()}));
  w.Seed("message1", Cat({Bytes{1}, HonestMessage1()}));
  proto::WireMessage hello;
  hello.mutable_hello()->set_version(1);
  w.Seed("transport-hello", Cat({Bytes{2}, HonestTransport(Of(hello))}));
  w.Seed("low-order-e", Cat({Bytes{0}, Bytes(48, 0)}), false);
}

void Pairing(const fs::path& root) {
  Writer w(root, "pairing", 1);
  Bytes sid(kPairSidBytes, 0x5A);
  auto dialer =
      crypto::cpace::Party::Start(AsBytes(kPairCode), AsBytes(kPairCi), sid,
                                  AsBytes(kPairAdDialer), &DialerScalar());
  auto listener =
      crypto::cpace::Party::Start(AsBytes(kPairCode), AsBytes(kPairCi), sid,
                                  AsBytes(kPairAdListener), &ListenerScalar());
  w.Seed("m1", Cat({Bytes{0}, sid, dialer->share()}));
  w.Seed("m1-identity", Cat({Bytes{0}, sid, Bytes(32, 0)}), false);
  w.Seed("m2", Cat({Bytes{1}, listener->share(), Bytes(32, 0x33)}));
  int i = 0;
  for (std::string_view code :
       {"1234-5678", " 12 34 56 78 ", "1234-567x", "123456789"}) {
    w.Put("code-" + std::to_string(i++), Cat({Bytes{2}, AsBytes(code)}));
  }
}

}  // namespace
}  // namespace inch::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: inch_fuzz_seeds <corpus dir>\n";
    return 2;
  }
  inch::fuzz::InitOnce();
  const std::filesystem::path root = argv[1];
  inch::fuzz::Frames(root);
  inch::fuzz::WireMessages(root);
  inch::fuzz::WireOps(root);
  inch::fuzz::Ops(root);
  inch::fuzz::JournalRecords(root);
  inch::fuzz::NodeFiles(root);
  inch::fuzz::Handshakes(root);
  inch::fuzz::Pairing(root);
  return 0;
}
