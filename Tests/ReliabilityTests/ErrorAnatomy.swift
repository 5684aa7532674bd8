/// A thrown error taken apart with `Mirror`, so a catalogue entry can name its type and case
/// ("DatasetError.badJSON", "TokenizerError.io(IOError.truncatedGzip)", "TokenizeInputError") and its payload
/// values by label, without a switch per error type.
struct ErrorAnatomy {
    let identity: String
    /// Payload values by label, nested errors flattened into it (an unlabeled single payload under "_").
    let payload: [String: Any]
    /// The message a person sees (`description`).
    let message: String

    init(_ error: Error) {
        var payload: [String: Any] = [:]
        identity = Self.dissect(error, into: &payload)
        self.payload = payload
        message = "\(error)"
    }

    private static func dissect(_ value: Any, into payload: inout [String: Any]) -> String {
        let mirror = Mirror(reflecting: value)
        let type = String(describing: Swift.type(of: value))
        switch mirror.displayStyle {
        case .enum:
            guard let child = mirror.children.first, let name = child.label else { return "\(type).\(value)" }
            let inner = Mirror(reflecting: child.value)
            if inner.displayStyle == .enum { return "\(type).\(name)(\(dissect(child.value, into: &payload)))" }
            if inner.displayStyle == .tuple {
                for element in inner.children { record(element.label ?? "_", element.value, into: &payload) }
            } else {
                record("_", child.value, into: &payload)
            }
            return "\(type).\(name)"
        case .struct:
            for element in mirror.children { payload[element.label ?? "_"] = element.value }
            return type
        default:
            return type
        }
    }

    /// A payload value under its label; a struct value (a `SourceLocation`) also contributes its fields.
    private static func record(_ label: String, _ value: Any, into payload: inout [String: Any]) {
        payload[label] = value
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .struct else { return }
        for field in mirror.children { if let name = field.label { payload[name] = field.value } }
    }

    /// A payload value as text: optionals unwrapped, strings as they are, anything else as Swift prints it.
    static func render(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return "nil" }
            return render(wrapped)
        }
        if let text = value as? String { return text }
        return String(describing: value)
    }

    func value(_ label: String) -> String? { payload[label].map(Self.render) }

    /// Whether some payload text value is exactly `path` (the file the error names).
    func names(_ path: String) -> Bool { payload.values.contains { Self.render($0) == path } }
}
