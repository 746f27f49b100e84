using System.CommandLine;

namespace Sourceless.Contenders.Llm;

/// <summary>
/// The --llm-* options, declared once: the llm kind adds them to <c>trial</c>
/// (<see cref="LlmContender.Kind"/>), and <c>make</c> uses the same set with its own defaults.
/// Each option's default is the matching <see cref="LlmSettings"/> value, so defaults live there.
/// </summary>
public sealed class LlmOptions
{
    private readonly Option<string> _model, _keyEnv;
    private readonly Option<double> _temperature, _timeout;
    private readonly Option<int> _maxTokens, _concurrency, _retries;
    private readonly Option<string?> _price;

    public LlmOptions(LlmSettings? defaults = null, string scope = "llm:URL contenders: ")
    {
        var d = defaults ?? LlmSettings.Default;
        _model = new Option<string>("--llm-model") { Description = scope + "the model name sent to the endpoint.", DefaultValueFactory = _ => d.Model };
        _keyEnv = new Option<string>("--llm-api-key-env") { Description = scope + "the environment variable holding the API key (read at request time; never stored or logged).", DefaultValueFactory = _ => d.ApiKeyEnv };
        _temperature = new Option<double>("--llm-temperature") { Description = scope + "sampling temperature.", DefaultValueFactory = _ => d.Temperature };
        _maxTokens = new Option<int>("--llm-max-tokens") { Description = scope + "most tokens per reply, and per repair conversation (its replies together; @repair:N stops there).", DefaultValueFactory = _ => d.MaxTokens };
        _concurrency = new Option<int>("--llm-concurrency") { Description = scope + "requests in flight per contender.", DefaultValueFactory = _ => d.Concurrency };
        _timeout = new Option<double>("--llm-timeout") { Description = scope + "seconds to wait for one reply.", DefaultValueFactory = _ => d.TimeoutSeconds };
        _retries = new Option<int>("--llm-retries") { Description = scope + "retries on 429, 5xx, timeouts and refused connections (exponential backoff, or Retry-After).", DefaultValueFactory = _ => d.Retries };
        _price = new Option<string?>("--llm-price-per-mtok") { Description = scope + "IN,OUT: dollars per million prompt and completion tokens, for the report's cost section (price per generation and per correct one)." };
        All = [_model, _keyEnv, _temperature, _maxTokens, _concurrency, _timeout, _retries, _price];
    }

    public IReadOnlyList<Option> All { get; }

    /// <summary>The settings the options give, validated (a <see cref="UserError"/> names the bad option).</summary>
    public LlmSettings Read(ParseResult result)
    {
        var settings = LlmSettings.Default with
        {
            Model = result.GetValue(_model)!, ApiKeyEnv = result.GetValue(_keyEnv)!, Temperature = result.GetValue(_temperature),
            MaxTokens = result.GetValue(_maxTokens), Concurrency = result.GetValue(_concurrency),
            TimeoutSeconds = result.GetValue(_timeout), Retries = result.GetValue(_retries),
            PricePerMTok = ParsePrice(result.GetValue(_price)),
        };
        settings.Validate();
        return settings;
    }

    private static IReadOnlyList<double>? ParsePrice(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = parts.Select(p => double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : double.NaN).ToList();
        if (parts.Length != 2 || values.Any(double.IsNaN))
            throw new UserError($"--llm-price-per-mtok takes IN,OUT (dollars per million prompt and completion tokens, e.g. 2.5,10), got '{text}'");
        return values;
    }
}
