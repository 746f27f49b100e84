using System.Diagnostics;
using System.Globalization;
using Sourceless.Artifacts;
using Sourceless.Neural;
using Sourceless.Targets;

namespace Sourceless.Contenders;

/// <summary>
/// The built-in neural compiler: a transformer trained here on compiler output
/// (<c>sourceless train</c>) that reads a function's C source and writes its machine code bytes
/// directly, the essay's subject. It serves only the targets its checkpoint was trained on and
/// hands over bare bytes: no source, no object file, no symbols, no declared dependencies.
/// "neural" decodes greedily (the same bytes every time); "neural:T" samples at temperature T
/// with a seeded draw per generation.
/// </summary>
public sealed class NeuralContender : IContender, Search.ISampler
{
    /// <summary>"neural" (greedy) or "neural:T" (sampled at temperature T in [0, 5]; 0 is greedy).</summary>
    public sealed class Kind : IContenderKind
    {
        public string Prefix => "neural";
        public string Syntax => "neural[:T]";
        public string Help => "the built-in transformer trained here on compiler output, greedy or sampled at temperature T; it serves the targets of its checkpoint";
        public string Canonical(string name) => NameOf(Temperature(name));
        public IContender Create(string canonical, ContenderContext context) => new NeuralContender(Temperature(canonical), DefaultCheckpointPath);
        public IReadOnlyList<string> Strategies(string canonical) => Temperature(canonical) > 0 ? [Search.SearchStrategy.Best] : [];

        private static double Temperature(string name)
        {
            if (name == "neural") return 0;
            string text = name["neural:".Length..];
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double t) || t < 0 || t > 5 || double.IsNaN(t))
                throw new UserError($"contender '{name}': T must be a sampling temperature between 0 and 5, e.g. neural:0.7");
            return t;
        }
    }

    private static string NameOf(double temperature) => temperature > 0 ? "neural:" + temperature.ToString("0.###", CultureInfo.InvariantCulture) : "neural";

    private readonly Lazy<Checkpoint.Loaded> _checkpoint;
    private readonly string _path;
    private readonly double _temperature;
    // One generation at a time: OpenBLAS runs single-threaded inside, and the trial's other
    // work keeps the second core busy.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public NeuralContender(double temperature, string checkpointPath)
    {
        _temperature = temperature;
        _path = checkpointPath;
        _checkpoint = new Lazy<Checkpoint.Loaded>(() => Checkpoint.Load(_path));
    }

    /// <summary>SOURCELESS_NEURAL_CHECKPOINT, or the checkpoint shipped in models/neural.</summary>
    public static string DefaultCheckpointPath =>
        Environment.GetEnvironmentVariable("SOURCELESS_NEURAL_CHECKPOINT") is { Length: > 0 } p ? Path.GetFullPath(p) : Checkpoint.ShippedPath;

    public string Name => NameOf(_temperature);

    public string Description => $"the built-in transformer trained on compiler output ({Path.GetFileName(Path.GetDirectoryName(_path))}/{Path.GetFileName(_path)}), " +
        (_temperature > 0 ? $"sampled at temperature {_temperature.ToString(CultureInfo.InvariantCulture)}" : "greedy decoding");

    public bool Serves(Target target) => _checkpoint.Value.Training.Targets.Contains(target.Id);

    // Greedy decoding is deterministic: generation i of a slot is generation 0's bytes, so it is
    // decoded once and shared (with that decode's latency), as the compiler shares its compile.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<Generation>>> _greedy = new();

    public async Task<Generation> GenerateAsync(GenerationRequest request, CancellationToken ct)
    {
        if (_temperature > 0) return await DecodeAsync(request, ct);
        var g = await _greedy.GetOrAdd($"{request.Task.Name}|{request.Version.Label}|{request.Target.Id}", _ => new Lazy<Task<Generation>>(() => DecodeAsync(request, ct))).Value;
        return g.Artifact is null ? g : g with { Artifact = g.Artifact with { Generation = request.Index } };
    }

    private async Task<Generation> DecodeAsync(GenerationRequest request, CancellationToken ct) =>
        (await DecodeAsync(request, [request.Sample], ct))[0];

    /// <summary>Samples <paramref name="samples"/> of one request in one batch: each sequence has its
    /// own seed (the one <see cref="GenerateAsync"/> uses for that sample) and the decoder works
    /// row by row, so each is the bytes a decode of its own gives (checked: NeuralSamplerSpecs).</summary>
    public async Task<IReadOnlyList<Generation>> SampleAsync(GenerationRequest request, IReadOnlyList<int> samples, CancellationToken ct) =>
        _temperature > 0 ? await DecodeAsync(request, samples, ct) : [.. await Task.WhenAll(samples.Select(s => GenerateAsync(request with { Sample = s }, ct)))];

    private async Task<IReadOnlyList<Generation>> DecodeAsync(GenerationRequest request, IReadOnlyList<int> samples, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var model = _checkpoint.Value.Model;
        string source = await File.ReadAllTextAsync(request.Version.ReferencePath, ct);
        var prompt = Tokenizer.Prompt(source, request.Target);
        if (prompt.Length >= model.Config.Context)
            return [.. samples.Select(_ => Generation.Failed($"the source is {prompt.Length} tokens; the model's context is {model.Config.Context}", sw, []))];
        var options = samples.Select(s => new SamplingOptions(_temperature, model.Config.Context, (request with { Sample = s }).SeedFor(Name))).ToList();
        IReadOnlyList<Decoder.Output> outputs;
        await _gate.WaitAsync(ct);
        try
        {
            Blas.UseThreads(1);
            outputs = new Decoder(model).Generate([.. samples.Select(_ => prompt)], options);
        }
        finally { _gate.Release(); }
        sw.Stop();
        // The batch's time is shared out evenly: each sample's latency is its part of the decode.
        double each = sw.Elapsed.TotalMilliseconds / samples.Count;
        return [.. outputs.Select(o => o.Bytes.Length == 0
            ? new Generation(null, "the model wrote no bytes (end of code at once)", each, [])
            : new Generation(new Artifact(request.Task.Name, request.Version.Label, Name, request.Target, request.Index, o.Bytes, null, null, []), null, each, []))];
    }
}
