namespace inch::store { void JournalPlaceholder() {} }
