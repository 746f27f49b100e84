using System.Text.RegularExpressions;
using Sourceless.Corpus;
using Sourceless.Targets;

namespace Sourceless.Contenders.Llm;

/// <summary>
/// The worked example in every prompt, drawn from the corpus generator: the first exprgen tier-1
/// program of a fixed seed whose compiled function is 6 to 24 bytes, compiled for the request's
/// target by the real compiler (cached). The model sees the source with the compiler's bytes, its
/// assembly, or (in C mode) the expression it implements.
/// </summary>
public sealed partial class FewShot(string cacheDir, Tools.ToolRunner tools)
{
    public sealed record Example(string Source, string Prototype, string Expression, string Hex, string Asm);

    public const ulong Seed = 20261126;
    private readonly Dictionary<string, Task<Example>> _byTarget = [];
    private readonly Lock _gate = new();

    public Task<Example> ForAsync(Target target, CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_byTarget.TryGetValue(target.Id, out var task)) _byTarget[target.Id] = task = MakeAsync(target, ct);
            return task;
        }
    }

    private async Task<Example> MakeAsync(Target target, CancellationToken ct)
    {
        var compiler = new CorpusCompiler(cacheDir, Path.Combine(cacheDir, ".work"), tools);
        for (int i = 0; i < 64; i++)
        {
            var program = ExprGen.Program(Seed, 1, i);
            var result = (await compiler.CompileAsync([program], target, ct))[0];
            var f = result.Functions.FirstOrDefault(x => x.Name == $"f{i}");
            if (result.Failure is not null || f is null || f.Bytes.Length < 6 || f.Bytes.Length > 24 || f.Relocations != "[]") continue;
            var m = Body().Match(program.Source);
            string asm = string.Join('\n', f.Disassembly.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "    " + (l.Contains('\t') ? l[(l.IndexOf('\t') + 1)..] : l).Trim()));
            return new Example(program.Source.Trim(), m.Groups[1].Value.Trim(), m.Groups[2].Value.Trim(),
                string.Join(' ', f.Bytes.Select(b => b.ToString("x2"))), asm);
        }
        throw new InvalidOperationException($"no few-shot example compiled for {target}");
    }

    [GeneratedRegex(@"^(int f\d+\([^)]*\))\s*\{\s*return (.*);\s*\}", RegexOptions.Singleline)]
    private static partial Regex Body();
}
