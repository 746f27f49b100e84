namespace Sourceless.Tasks;

/// <summary>
/// A Task (docs/architecture.md): one unit of software with a spec, a C signature, a reference source, I/O
/// tests and a change request. Loaded from one folder of the suite (docs/task-format.md).
/// </summary>
public sealed record TaskDefinition(
    string Name,
    string Folder,
    string Category,
    string Summary,
    Signature Signature,
    string Types,
    bool UsesLibDep,
    int BufferSize,
    TaskVersion V1,
    TaskVersion? V2,
    string? Vulnerability,
    string? VulnerablePath,
    IReadOnlyList<IReadOnlyList<Values.Value>> Exploits)
{
    /// <summary>Where an imported task came from ("file.c:12" of the imported source; null for a
    /// task written by hand). Imported tasks have no change request and no planted vulnerability:
    /// the experiments that need one count them as not applicable.</summary>
    public string? Origin { get; init; }

    /// <summary>Whether the spec is the function's own leading comment ("comment") or was
    /// generated from its signature and name ("generated"); null for hand-written tasks.</summary>
    public string? SpecFrom { get; init; }

    public bool IsImported => Origin is not null;

    /// <summary>The planted-vulnerability variant as a version of its own ("vuln"): v1's spec and
    /// tests (it passes them), vuln.c as the source. Null for tasks without one.</summary>
    public TaskVersion? Vulnerable => VulnerablePath is null ? null : V1 with { Label = "vuln", ReferencePath = VulnerablePath };

    /// <summary>The versions the trial generates: v1 (k generations), then v2 and vuln (generation 0).</summary>
    public TaskVersion Version(string label) => label switch
    {
        "v1" => V1,
        "v2" => V2 ?? throw new InvalidOperationException($"task {Name} has no change request"),
        "vuln" => Vulnerable ?? throw new InvalidOperationException($"task {Name} has no vulnerable variant"),
        _ => throw new ArgumentException($"unknown version {label}", nameof(label)),
    };

    /// <summary>The header every build of this task includes: types and the prototype.</summary>
    public string Header
    {
        get
        {
            var lines = new List<string>
            {
                $"/* task.h for {Name}: generated from task.txt by Sourceless */",
                "#ifndef SL_TASK_H", "#define SL_TASK_H",
                "#include <stddef.h>", "#include <stdint.h>", "#include <stdbool.h>",
            };
            if (UsesLibDep) lines.Add("#include \"dep.h\"");
            if (Types.Length > 0) lines.Add(Types);
            lines.Add(Signature.Declaration + ";");
            lines.Add("#endif");
            return string.Join('\n', lines) + "\n";
        }
    }
}
