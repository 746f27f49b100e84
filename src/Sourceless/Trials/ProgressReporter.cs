using System.Diagnostics;

namespace Sourceless.Trials;

/// <summary>
/// Progress of one stage on stderr: items done, rate and ETA. On a terminal one line is redrawn;
/// otherwise (CI, a pipe) a line is printed at most every few seconds so logs stay short.
/// </summary>
public sealed class ProgressReporter
{
    private readonly string _stage;
    private readonly int _total;
    private readonly TextWriter _out;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _interactive;
    private readonly Lock _gate = new();
    private int _done;
    private int _failed;
    private TimeSpan _lastPrint = TimeSpan.FromSeconds(-100);

    public ProgressReporter(string stage, int total, TextWriter? output = null)
    {
        _stage = stage;
        _total = total;
        _out = output ?? Console.Error;
        _interactive = output is null && !Console.IsErrorRedirected;
        Print(force: true);
    }

    public int Done => _done;

    /// <summary>Seconds between lines when stderr is not a terminal: SOURCELESS_PROGRESS_SECONDS, default 5.</summary>
    private static readonly TimeSpan NonInteractiveInterval = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("SOURCELESS_PROGRESS_SECONDS"), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var s) && s >= 0 ? s : 5);

    public void Tick(bool ok = true)
    {
        lock (_gate)
        {
            _done++;
            if (!ok) _failed++;
            Print(force: _done == _total);
        }
    }

    private void Print(bool force)
    {
        var now = _clock.Elapsed;
        var interval = _interactive ? TimeSpan.FromMilliseconds(200) : NonInteractiveInterval;
        if (!force && now - _lastPrint < interval) return;
        _lastPrint = now;
        double rate = now.TotalSeconds > 0 ? _done / now.TotalSeconds : 0;
        string eta = rate > 0 && _done < _total ? $" ETA {Format(TimeSpan.FromSeconds((_total - _done) / rate))}" : "";
        string pct = _total == 0 ? "100" : (100.0 * _done / _total).ToString("0", System.Globalization.CultureInfo.InvariantCulture);
        string line = $"[{_stage}] {_done}/{_total} ({pct}%) {rate:0.0}/s elapsed {Format(now)}{eta}{(_failed > 0 ? $", {_failed} failed" : "")}";
        if (_interactive)
        {
            _out.Write("\r" + line.PadRight(90));
            if (_done == _total) _out.WriteLine();
        }
        else _out.WriteLine(line);
    }

    public static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", System.Globalization.CultureInfo.InvariantCulture);
}
