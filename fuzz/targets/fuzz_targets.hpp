// Fuzz targets for every decoder that takes untrusted bytes. Each is a plain
// function so the same code runs under libFuzzer (fuzz/libfuzzer_main.cpp)
// and as the corpus-replay GoogleTest (tests/fuzz/corpus_replay_test.cpp).
// A target returns 0 for every input; a broken invariant aborts (FUZZ_CHECK).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace inch::fuzz {

using TargetFn = int (*)(const std::uint8_t* data, std::size_t size);

// net::ReadFrameFrom (what Connection::ReadFrame runs) over an in-memory
// stream cut into input-chosen reads, under an input-chosen limit.
int FuzzFrame(const std::uint8_t* data, std::size_t size);
// proto::WireMessage as SecureChannel::Receive parses it, plus the checks
// SyncSession applies before the store (Hello version, batch bounds, seqs).
int FuzzWireMessage(const std::uint8_t* data, std::size_t size);
// store::PeekWireSeq/OpenWireOp on raw bytes, and on bytes sealed under the
// pair key (so the padding, parse and seq checks after opening are reached).
int FuzzWireOp(const std::uint8_t* data, std::size_t size);
// A serialized proto::Op body (what OpenWireOp returns) through
// store::ValidateShape, ClassOf and ItemOf, with round trips.
int FuzzOp(const std::uint8_t* data, std::size_t size);
// store::journal_record::DecodeRecord; accepted records must re-encode
// byte for byte.
int FuzzJournalRecord(const std::uint8_t* data, std::size_t size);
// cli::DecodeNodeFile; accepted files must survive Encode/Decode.
int FuzzNodeFile(const std::uint8_t* data, std::size_t size);
// crypto::noise::Handshake::ReadMessage (both roles) and the first
// transport Decrypt, with fixed test keys and ephemerals.
int FuzzHandshake(const std::uint8_t* data, std::size_t size);
// The pairing messages' pure parts: CPace DeriveIsk on a peer's M1/M2 as
// net/pairing.cpp slices them, and net::NormalizeCode on typed text.
int FuzzPairing(const std::uint8_t* data, std::size_t size);

struct Target {
  std::string_view name;  // folder under fuzz/corpus/, suffix of fuzz_<name>
  TargetFn fn;
};

// Every target above, in a fixed order.
std::span<const Target> AllTargets();

}  // namespace inch::fuzz
