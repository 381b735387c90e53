void InchCliPlaceholder() {}
