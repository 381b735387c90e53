// Fuzz target for a partner's op after unsealing: the serialized proto::Op
// body goes through the parse and store::ValidateShape exactly as
// OpenWireOp's caller sees it. An op that passes must keep passing after a
// round trip, must name an item when ItemOf says so, and must survive
// sealing and opening under the pair key unchanged.
#include <string>

#include "fuzz/targets/fixtures.hpp"
#include "fuzz/targets/fuzz_check.hpp"
#include "fuzz/targets/fuzz_targets.hpp"
#include "proto/ops.pb.h"
#include "store/shared/op_codec.hpp"

namespace inch::fuzz {
namespace {

bool TextOk(const std::string& text) {
  return !text.empty() && text.size() <= store::kMaxTextBytes &&
         store::IsUtf8(text) && text.find('\0') == std::string::npos;
}

}  // namespace

int FuzzOp(const std::uint8_t* data, std::size_t size) {
  InitOnce();
  if (size > store::kMaxWireOpBytes) return 0;
  proto::Op op;
  if (!op.ParseFromArray(data, static_cast<int>(size))) return 0;
  const bool valid = store::ValidateShape(op).has_value();
  (void)store::ClassOf(op);
  if (!valid) return 0;

  // What ValidateShape promises about an accepted op.
  FUZZ_CHECK(op.hlc() != 0);
  FUZZ_CHECK(op.body_case() != proto::Op::BODY_NOT_SET);
  if (op.has_create()) FUZZ_CHECK(TextOk(op.create().text()));
  if (op.has_note()) FUZZ_CHECK(TextOk(op.note().text()));
  if (op.has_edit() && op.edit().has_text()) {
    FUZZ_CHECK(TextOk(op.edit().text()));
  }
  if (auto item = store::ItemOf(op)) FUZZ_CHECK(item->second >= 1);

  // Round trip through the serialized form.
  std::string bytes;
  FUZZ_CHECK(op.SerializeToString(&bytes));
  proto::Op again;
  FUZZ_CHECK(again.ParseFromString(bytes));
  FUZZ_CHECK(store::ValidateShape(again).has_value());
  FUZZ_CHECK(again.SerializeAsString() == bytes);

  // Round trip through the sealed wire form (when it fits one).
  Bytes wire = store::SealWireOp(OpKey(), AuthorKey(), op);
  if (wire.size() <= store::kMaxWireOpBytes) {
    auto opened = store::OpenWireOp(OpKey(), AuthorKey(), wire);
    FUZZ_CHECK(opened.has_value());
    FUZZ_CHECK(opened->SerializeAsString() == bytes);
  }
  return 0;
}

}  // namespace inch::fuzz
