// The page's files (ui/assets/), built into the binary at build time by
// ui/embed_assets.cmake: nothing is read from disk or fetched from
// elsewhere when the interface is served.
#pragma once

#include <span>
#include <string_view>

namespace inch::ui {

struct Asset {
  std::string_view path;          // "/app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view bytes;
};

// Every embedded file (generated ui_assets.cpp); lives for the program.
std::span<const Asset> Assets();

// The asset served at `path` ("/" is "/index.html"); nullptr if none.
const Asset* FindAsset(std::string_view path);

}  // namespace inch::ui
