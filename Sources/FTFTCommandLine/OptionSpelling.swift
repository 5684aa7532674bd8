import ArgumentParser

/// One option under two spellings: the documented one (`--output`, `--tokenizer`) and a hidden older one kept so
/// existing scripts work unchanged (`--out`, `--vocab`).
enum OptionSpelling {
    /// The value given under either spelling; a usage error if both are given, or neither when `required`.
    static func resolve(_ value: String?, alias: String?, required: Bool, name: String = "--output",
                        aliasName: String = "--out") throws -> String? {
        switch (value, alias) {
        case let (value?, nil), let (nil, value?): return value
        case (_?, _?): throw ValidationError("give \(name) once (\(aliasName) is its older spelling)")
        case (nil, nil):
            if required { throw ValidationError("missing \(name)") }
            return nil
        }
    }
}
