/// A shell wildcard pattern for one path component, as `fnmatch(3)` without flags:
/// `*` any run of characters, `?` one character, `[abc]`, `[a-z]`, `[!a]` / `[^a]` a class.
/// (`**` across folders is handled by `ImageInputs`.)
struct GlobPattern {
    private let p: [Character]

    init(_ pattern: String) { p = Array(pattern) }

    static func hasWildcards(_ s: String) -> Bool { s.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    func matches(_ name: String) -> Bool {
        let s = Array(name)
        // Iterative matcher with one backtrack point for the last `*` (linear-ish, no recursion).
        var i = 0, j = 0, starP = -1, starS = 0
        while i < s.count {
            if j < p.count && p[j] == "*" {
                starP = j; starS = i; j += 1
                continue
            }
            if j < p.count {
                let (ok, next) = matchOne(s[i], at: j)
                if ok { i += 1; j = next; continue }
            }
            guard starP >= 0 else { return false }
            starS += 1; i = starS; j = starP + 1
        }
        while j < p.count, p[j] == "*" { j += 1 }
        return j == p.count
    }

    /// Whether `c` matches the single-character pattern element at `j`; returns the next index.
    private func matchOne(_ c: Character, at j: Int) -> (Bool, Int) {
        switch p[j] {
        case "?": return (true, j + 1)
        case "[":
            var k = j + 1
            var negate = false
            if k < p.count, p[k] == "!" || p[k] == "^" { negate = true; k += 1 }
            var matched = false, first = true
            while k < p.count, p[k] != "]" || first {
                first = false
                if k + 2 < p.count, p[k + 1] == "-", p[k + 2] != "]" {
                    if p[k] <= c && c <= p[k + 2] { matched = true }
                    k += 3
                } else {
                    if p[k] == c { matched = true }
                    k += 1
                }
            }
            guard k < p.count else { return (p[j] == c, j + 1) }  // no closing ']': literal '['
            return (matched != negate, k + 1)
        default:
            return (p[j] == c, j + 1)
        }
    }
}
