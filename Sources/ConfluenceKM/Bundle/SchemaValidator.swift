import Foundation

/// The part of JSON Schema that the bundle's schemas use: type (incl. lists), required, properties,
/// additionalProperties false, items, enum, pattern, minLength. Returns readable problems with JSON pointers.
struct SchemaValidator {
    let schema: JSONValue

    init(json: String) throws {
        schema = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
    }

    init(schema: JSONValue) { self.schema = schema }

    func validate(_ value: JSONValue) -> [String] {
        var problems: [String] = []
        check(value, schema, "", &problems)
        return problems
    }

    private func typeName(_ v: JSONValue) -> String {
        switch v {
        case .null: "null"
        case .bool: "boolean"
        case .number(let n): n == n.rounded() ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    private func check(_ v: JSONValue, _ s: JSONValue, _ at: String, _ problems: inout [String]) {
        guard case .object(let s) = s else { return }
        let here = at.isEmpty ? "/" : at
        let t = typeName(v)
        if let types = s["type"] {
            var allowed: [String] = []
            if case .string(let one) = types { allowed = [one] }
            if case .array(let many) = types { allowed = many.compactMap { if case .string(let x) = $0 { x } else { nil } } }
            if !(allowed.contains(t) || (t == "integer" && allowed.contains("number"))) {
                problems.append("\(here): \(t) where \(allowed.joined(separator: " or ")) is required")
                return
            }
        }
        if case .array(let e)? = s["enum"], !e.contains(v) {
            problems.append("\(here): \(v) is not one of the allowed values")
        }
        if case .string(let str) = v {
            if case .number(let min)? = s["minLength"], str.count < Int(min) { problems.append("\(here): shorter than \(Int(min))") }
            if case .string(let p)? = s["pattern"], str.range(of: p, options: .regularExpression) == nil {
                problems.append("\(here): '\(str)' does not match \(p)")
            }
        }
        if case .object(let obj) = v {
            var props: [String: JSONValue] = [:]
            if case .object(let p)? = s["properties"] { props = p }
            if case .array(let req)? = s["required"] {
                for case .string(let r) in req where obj[r] == nil { problems.append("\(at)/\(r): missing") }
            }
            if s["additionalProperties"] == .bool(false) {
                for k in obj.keys.sorted() where props[k] == nil { problems.append("\(at)/\(k): not allowed") }
            }
            for k in props.keys.sorted() { if let x = obj[k] { check(x, props[k]!, at + "/" + k, &problems) } }
        }
        if case .array(let arr) = v, let items = s["items"] {
            for (i, x) in arr.enumerated() { check(x, items, "\(at)/\(i)", &problems) }
        }
    }
}
