using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sourceless.Contenders.Llm;

/// <summary>The three ways a language model can be asked for a function, each its own contender
/// variant: bytes as hex, assembly for the target's assembler, or C for the real compiler.</summary>
public enum LlmMode { Hex, Asm, C }

/// <summary>
/// How to talk to an OpenAI-compatible endpoint: model name, the name of the environment variable
/// that holds the API key (the key itself is read when a request is made and never stored,
/// printed or logged), sampling, limits, and retries. Stored with the trial (without the key), so
/// a resumed trial talks to the model the same way.
/// </summary>
public sealed record LlmSettings
{
    [JsonPropertyName("model")] public string Model { get; init; } = "default";
    [JsonPropertyName("api_key_env")] public string ApiKeyEnv { get; init; } = "OPENAI_API_KEY";
    [JsonPropertyName("temperature")] public double Temperature { get; init; }
    [JsonPropertyName("max_tokens")] public int MaxTokens { get; init; } = 2048;
    [JsonPropertyName("concurrency")] public int Concurrency { get; init; } = 4;
    [JsonPropertyName("timeout_s")] public double TimeoutSeconds { get; init; } = 120;
    [JsonPropertyName("retries")] public int Retries { get; init; } = 4;
    /// <summary>First backoff; doubles per attempt unless the server says Retry-After.</summary>
    [JsonPropertyName("backoff_s")] public double BackoffSeconds { get; init; } = 1;

    /// <summary>Dollars per million prompt and completion tokens (--llm-price-per-mtok IN,OUT), for
    /// the report's cost section; null when not given.</summary>
    [JsonPropertyName("price_per_mtok")] public IReadOnlyList<double>? PricePerMTok { get; init; }

    public static LlmSettings Default { get; } = new();

    public string ToJson() => JsonSerializer.Serialize(this);

    public static LlmSettings FromJson(string? json) => string.IsNullOrEmpty(json) ? Default : JsonSerializer.Deserialize<LlmSettings>(json) ?? Default;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Model)) throw new UserError("--llm-model must not be empty");
        if (Temperature < 0 || Temperature > 2) throw new UserError("--llm-temperature must be between 0 and 2");
        if (MaxTokens < 1) throw new UserError("--llm-max-tokens must be at least 1");
        if (Concurrency < 1) throw new UserError("--llm-concurrency must be at least 1");
        if (!(TimeoutSeconds > 0)) throw new UserError("--llm-timeout must be positive");
        if (Retries < 0) throw new UserError("--llm-retries must be zero or more");
        if (PricePerMTok is { } price && (price.Count != 2 || price.Any(x => !(x >= 0) || double.IsInfinity(x))))
            throw new UserError("--llm-price-per-mtok takes IN,OUT: dollars per million prompt and completion tokens, e.g. 2.5,10");
    }

    /// <summary>"llm:URL#mode" into its endpoint and mode (hex when the fragment is missing).</summary>
    public static (Uri Endpoint, LlmMode Mode) ParseName(string name)
    {
        string rest = name[(LlmContender.Kind.Word.Length + 1)..];
        int hash = rest.LastIndexOf('#');
        string url = hash < 0 ? rest : rest[..hash], mode = hash < 0 ? "hex" : rest[(hash + 1)..];
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new UserError($"contender '{name}': expected llm:http(s)://HOST[:PORT]/PATH[#hex|#asm|#c], e.g. llm:http://127.0.0.1:8080/v1#hex");
        var m = mode switch
        {
            "hex" => LlmMode.Hex,
            "asm" => LlmMode.Asm,
            "c" => LlmMode.C,
            _ => throw new UserError($"contender '{name}': mode must be hex, asm or c, got '{mode}'"),
        };
        return (uri, m);
    }

    public static string CanonicalName(string name)
    {
        var (uri, mode) = ParseName(name);
        return $"{LlmContender.Kind.Word}:{uri.AbsoluteUri.TrimEnd('/')}#{mode.ToString().ToLower(CultureInfo.InvariantCulture)}";
    }
}
