// Master-key rotation (`inch passphrase --rotate-key`): a new random master
// key, and everything sealed under keys derived from the old one sealed
// again under the new one, so an old copy of node.json with the old
// passphrase opens nothing written afterwards. (`inch passphrase` alone
// only re-wraps the same master key under a new passphrase.)
//
// What is re-sealed: journal.db (every record and its key check,
// Journal::Rekey), shared.db (item keys, shared-sealed op bodies, the pair
// secret and address, private answers, an owed unpair notice:
// SharedStore::Rekey; a notice file an older inch left moves into shared.db
// then, see legacy_unpair_notice.hpp), and the identity secret in node.json
// (kIdentity subkey). The pair secret itself is unchanged, so the partner
// notices nothing. The unlock agent, which holds the old key, is stopped;
// no other process may hold the key meanwhile (the rotation needs key.lock
// exclusively, see key_lock.hpp), so it is refused while `inch serve` runs.
//
// States of a home, as node.json records them (K old key, K' new key):
//   AT_REST(K)     format 1: K wrapped under passphrase P; every store and
//                  file under K.
//   ROTATING(K,K') format 2: AT_REST(K) plus a rotation record: K' wrapped
//                  under the new passphrase P', the identity sealed under
//                  K', K' sealed under K and K under K'. Each store is
//                  wholly under K or wholly under K' (each rekey is one
//                  SQLite transaction or one atomic file replace); which
//                  one is found by trying.
//   AT_REST(K')    format 1: K' wrapped under P'.
// Transitions, each one atomic step (a rename of a file or a commit):
//   AT_REST(K) --write node.json--> ROTATING(K,K')
//   ROTATING: journal K->K', shared K->K' (in this order; each
//             idempotent: a store already under K' is left alone), then
//             an older inch's notice file imported into shared.db
//   ROTATING(K,K') --write node.json--> AT_REST(K'), once all are under K'
// Invariants: every store is always wholly under a key that node.json
// yields; node.json leaves ROTATING only when every store is under K';
// while ROTATING either passphrase yields both keys.
// Recovery: a process that dies anywhere leaves AT_REST(K) (nothing has
// changed), ROTATING, or AT_REST(K'). In ROTATING the next command that
// needs the key, given either passphrase, finishes the rotation forward
// (FinishRotation): never backward, since stores may be under K' already.
// An inch that predates rotations refuses a format-2 node.json.
#pragma once

#include "cli/home.hpp"
#include "cli/node_file.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"

namespace inch::cli {

struct RotationKeys {
  crypto::Secret old_master;
  crypto::Secret new_master;
};

// AT_REST(old_master) -> ROTATING: the first step of RotateMasterKey
// alone (the check that the stores open, then node.json rewritten), with
// the keys FinishRotation needs; `node` is what node.json now holds.
// Exposed so tests can stop a rotation where a crash would.
Result<RotationKeys> BeginRotation(const HomeFiles& files, NodeFile& node,
                                   const crypto::Secret& old_master,
                                   const crypto::Secret& new_passphrase);

// AT_REST(old_master) -> AT_REST(new): makes a new master key wrapped under
// `new_passphrase` and re-seals everything under it. The caller checked
// that `old_master` opens `node`, holds key.lock exclusively and stopped
// the agent. Before node.json is touched, the stores are checked to open
// under the old key (a failure then changes nothing). On success `node` is
// what node.json now holds. An error after that point leaves ROTATING,
// which the next command finishes; its message says so.
Status RotateMasterKey(const HomeFiles& files, NodeFile& node,
                       const crypto::Secret& old_master,
                       const crypto::Secret& new_passphrase);

// Both keys of a ROTATING node from either passphrase (kWrongPassphrase
// when it is neither), or from either master key (an agent's).
Result<RotationKeys> RotationKeysFromPassphrase(const crypto::Secret& pass,
                                                const NodeFile& node);
Result<RotationKeys> RotationKeysFromMaster(const crypto::Secret& master,
                                            const NodeFile& node);

// ROTATING(K,K') -> AT_REST(K'): re-seals whatever is still under K and
// writes node.json at rest under K'. Idempotent. The caller holds key.lock
// exclusively. On success `node` is what node.json now holds.
Status FinishRotation(const HomeFiles& files, NodeFile& node,
                      const RotationKeys& keys);

}  // namespace inch::cli
