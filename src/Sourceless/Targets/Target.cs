namespace Sourceless.Targets;

/// <summary>A Target (docs/architecture.md): ISA x compiler x optimisation level, written "x86_64/gcc/-O2".
/// A contender asked for a target produces machine code for that ISA; the compiler and level
/// name the compiler output it competes with (noisy and neural contenders imitate it).</summary>
public sealed record Target(Isa Isa, string Compiler, string OptLevel)
{
    public static readonly IReadOnlyList<string> Compilers = ["gcc", "clang"];
    public static readonly IReadOnlyList<string> OptLevels = ["-O0", "-O2", "-O3"];

    public string Id => $"{Isa.Name}/{Compiler}/{OptLevel}";

    public override string ToString() => Id;

    public static IReadOnlyList<Target> All { get; } =
        [.. from isa in Isa.All from c in Compilers from o in OptLevels select new Target(isa, c, o)];

    /// <summary>The default trial: every ISA, both compilers, -O2.</summary>
    public static IReadOnlyList<Target> Defaults { get; } = [.. All.Where(t => t.OptLevel == "-O2")];

    /// <summary>Parses a comma-separated list; each item is "isa/compiler/level" where any part may
    /// be "*", or "all", or "default".</summary>
    public static IReadOnlyList<Target> ParseList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "default") return Defaults;
        var result = new List<Target>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (item == "all") { result.AddRange(All); continue; }
            var parts = item.Split('/');
            if (parts.Length != 3)
                throw new UserError($"--targets: '{item}' is not isa/compiler/level, e.g. x86_64/gcc/-O2 or */clang/-O3");
            if (parts[0] != "*") Isa.Parse(parts[0]);
            if (parts[1] != "*" && !Compilers.Contains(parts[1])) throw new UserError($"--targets: unknown compiler '{parts[1]}' (gcc, clang)");
            if (parts[2] != "*" && !OptLevels.Contains(parts[2])) throw new UserError($"--targets: unknown level '{parts[2]}' (-O0, -O2, -O3)");
            result.AddRange(All.Where(t => (parts[0] == "*" || t.Isa.Name == parts[0]) && (parts[1] == "*" || t.Compiler == parts[1]) && (parts[2] == "*" || t.OptLevel == parts[2])));
        }
        return result.Distinct().ToList();
    }

    public static Target Parse(string id) =>
        ParseList(id) is [var single] ? single : throw new UserError($"'{id}' names more than one target");
}
