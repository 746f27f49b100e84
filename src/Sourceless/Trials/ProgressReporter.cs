using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Sourceless.Trials;

/// <summary>
/// Progress of one stage on stderr: items done of the total, percent, rate, elapsed time, ETA and
/// failures. On a terminal, a live bar redrawn in place (<c>generate [###-------] 12/40 (30%) 2.1/s
/// elapsed 0:05 ETA 0:13</c>), ended with a newline when the stage is done; a line anything else
/// writes to stderr meanwhile (a warning) takes the bar's place and the bar is drawn again below
/// it (<see cref="TerminalLines"/>). Otherwise (CI, a pipe, a file) plain lines, one at most every
/// SOURCELESS_PROGRESS_SECONDS (default 5), so logs stay short and readable.
/// </summary>
public sealed class ProgressReporter
{
    private readonly string _stage;
    private readonly int _total;
    private readonly TextWriter _out;
    private readonly TerminalLines? _terminal;
    private readonly Func<TimeSpan> _clock;
    private readonly Func<int> _width;
    private int _cells = -1;
    private readonly Lock _gate = new();
    private int _done;
    private int _failed;
    private TimeSpan _lastPrint = TimeSpan.FromSeconds(-100);

    /// <summary>Progress of <paramref name="stage"/> on <paramref name="output"/>, or on stderr
    /// (a live bar when stderr is a terminal) when none is given.</summary>
    public ProgressReporter(string stage, int total, TextWriter? output = null)
        : this(stage, total, output ?? Console.Error, interactive: output is null && TerminalLines.StderrIsTerminal, clock: null, width: null)
    {
    }

    /// <summary>For tests: the mode, the clock and the width given. An interactive reporter draws
    /// through a <see cref="TerminalLines"/> over <paramref name="output"/> (the one stderr is
    /// wrapped in when <paramref name="output"/> is Console.Error).</summary>
    internal ProgressReporter(string stage, int total, TextWriter output, bool interactive, Func<TimeSpan>? clock, Func<int>? width)
    {
        _stage = stage;
        _total = total;
        _out = output;
        if (interactive)
            _terminal = output as TerminalLines ?? (ReferenceEquals(output, Console.Error) ? TerminalLines.OnStderr() : new TerminalLines(output));
        var watch = Stopwatch.StartNew();
        _clock = clock ?? (() => watch.Elapsed);
        _width = width ?? TerminalLines.Width;
        lock (_gate) Print(force: true);
    }

    public int Done => _done;

    /// <summary>Seconds between lines when stderr is not a terminal: SOURCELESS_PROGRESS_SECONDS, default 5.</summary>
    private static readonly TimeSpan NonInteractiveInterval = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("SOURCELESS_PROGRESS_SECONDS"), NumberStyles.Float,
            CultureInfo.InvariantCulture, out var s) && s >= 0 ? s : 5);

    /// <summary>Redraws of the bar at most this often.</summary>
    private static readonly TimeSpan InteractiveInterval = TimeSpan.FromMilliseconds(150);

    public void Tick(bool ok = true)
    {
        lock (_gate)
        {
            _done++;
            if (!ok) _failed++;
            // A bar that a warning took away is drawn again at once.
            Print(force: _done == _total || _terminal is { BarShown: false });
        }
    }

    private void Print(bool force)
    {
        var now = _clock();
        if (!force && now - _lastPrint < (_terminal is null ? NonInteractiveInterval : InteractiveInterval)) return;
        _lastPrint = now;
        double rate = now.TotalSeconds > 0 ? _done / now.TotalSeconds : 0;
        string eta = rate > 0 && _done < _total ? $" ETA {Format(TimeSpan.FromSeconds((_total - _done) / rate))}" : "";
        string pct = _total == 0 ? "100" : (100.0 * _done / _total).ToString("0", CultureInfo.InvariantCulture);
        string failed = _failed > 0 ? $", {_failed} failed" : "";
        string counts = string.Create(CultureInfo.InvariantCulture, $"{_done}/{_total} ({pct}%) {rate:0.0}/s elapsed {Format(now)}{eta}{failed}");
        if (_terminal is null)
        {
            _out.WriteLine($"[{_stage}] {counts}");
            return;
        }
        int width = _width();
        // The bar keeps its length while the counts grow (it shrinks only if the terminal does):
        // room for counts as long as they usually get.
        if (_cells < 0) _cells = Cells(width, _stage, string.Create(CultureInfo.InvariantCulture, $"{_total}/{_total} (100%) 99.9/s elapsed 00:00 ETA 00:00"));
        string line = Bar(_stage, counts, _total == 0 ? 1 : (double)_done / _total, width, _cells);
        if (_done >= _total) _terminal.FinishBar(line);
        else _terminal.ShowBar(line);
    }

    /// <summary>Cells of a bar that leave room on a line of <paramref name="width"/> columns for
    /// the stage and the counts: at most 30, none below 5.</summary>
    internal static int Cells(int width, string stage, string counts) => Math.Clamp(width - 1 - stage.Length - counts.Length - 4, 0, 30);

    /// <summary>"stage [#####-----] counts" with at most <paramref name="maxCells"/> cells, cut to
    /// fit <paramref name="width"/> columns (a line that wrapped could not be redrawn in place).</summary>
    internal static string Bar(string stage, string counts, double fraction, int width, int maxCells = 30)
    {
        int cells = Math.Min(maxCells, Cells(width, stage, counts));
        var sb = new StringBuilder(stage).Append(' ');
        if (cells >= 5)
        {
            int full = (int)Math.Round(Math.Clamp(fraction, 0, 1) * cells);
            sb.Append('[').Append('#', full).Append('-', cells - full).Append("] ");
        }
        sb.Append(counts);
        return sb.Length <= width - 1 ? sb.ToString() : sb.ToString(0, Math.Max(0, width - 1));
    }

    public static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
