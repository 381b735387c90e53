// Encoding and strict decoding of discovery datagrams (discovery_wire.hpp).
#include "net/discovery_wire.hpp"

#include <algorithm>

#include "crypto/secret.hpp"

namespace inch::net {
namespace {

Bytes Header(std::uint8_t kind) {
  Bytes out(kDiscoveryMagic.begin(), kDiscoveryMagic.end());
  out.push_back(kDiscoveryVersion);
  out.push_back(kind);
  return out;
}

bool HasHeader(ByteView datagram, std::uint8_t kind, std::size_t size) {
  return datagram.size() == size &&
         std::equal(kDiscoveryMagic.begin(), kDiscoveryMagic.end(),
                    datagram.begin()) &&
         datagram[4] == kDiscoveryVersion && datagram[5] == kind;
}

}  // namespace

OfferNonce NewOfferNonce() {
  OfferNonce nonce{};
  Bytes random = crypto::RandomBytes(nonce.size());
  std::copy(random.begin(), random.end(), nonce.begin());
  return nonce;
}

Bytes EncodeOffer(const Offer& offer) {
  Bytes out = Header(kKindOffer);
  out.insert(out.end(), offer.nonce.begin(), offer.nonce.end());
  out.push_back(static_cast<std::uint8_t>(offer.tcp_port >> 8));
  out.push_back(static_cast<std::uint8_t>(offer.tcp_port & 0xFF));
  return out;
}

std::optional<Offer> DecodeOffer(ByteView datagram) {
  if (!HasHeader(datagram, kKindOffer, kOfferBytes)) return std::nullopt;
  Offer offer;
  std::copy_n(datagram.begin() + kDiscoveryHeaderBytes, kOfferNonceBytes,
              offer.nonce.begin());
  std::size_t p = kDiscoveryHeaderBytes + kOfferNonceBytes;
  offer.tcp_port =
      static_cast<std::uint16_t>((datagram[p] << 8) | datagram[p + 1]);
  if (offer.tcp_port == 0) return std::nullopt;
  return offer;
}

Bytes EncodePresence(const crypto::PresenceKey& key, std::uint64_t window,
                     ByteView my_public_key, std::uint16_t tcp_port) {
  Bytes out = Header(kKindPresence);
  Bytes body = key.Seal(window, my_public_key, tcp_port, out);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

std::optional<std::uint16_t> DecodePresence(const crypto::PresenceKey& key,
                                            std::uint64_t window,
                                            ByteView partner_public_key,
                                            ByteView datagram) {
  if (!HasHeader(datagram, kKindPresence, kPresenceBytes)) return std::nullopt;
  ByteView header = datagram.subspan(0, kDiscoveryHeaderBytes);
  ByteView body = datagram.subspan(kDiscoveryHeaderBytes);
  for (std::uint64_t w : {window, window - 1, window + 1}) {
    auto port = key.Open(w, partner_public_key, body, header);
    if (port && *port != 0) return port;
  }
  return std::nullopt;
}

}  // namespace inch::net
