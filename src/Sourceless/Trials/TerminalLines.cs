using System.Globalization;
using System.Text;

namespace Sourceless.Trials;

/// <summary>
/// A terminal's stderr with one live line at its bottom: the progress bar. Text anyone writes
/// (Console.Error, once <see cref="OnStderr"/> has wrapped it) first erases the bar, so a warning
/// is printed on a line of its own instead of after the bar's text; the next progress tick draws
/// the bar again below it. A stage that stops before its last item (an error, Ctrl+C) thus leaves
/// no half-drawn bar in front of the message that says why.
/// </summary>
public sealed class TerminalLines(TextWriter inner) : TextWriter
{
    /// <summary>Carriage return, then erase to the end of the line.</summary>
    private const string ClearLine = "\r\u001b[K";
    private static readonly Lock InstallGate = new();
    private static TerminalLines? _stderr;
    private readonly Lock _gate = new();
    private bool _barShown;
    private bool _midLine;

    public override Encoding Encoding => inner.Encoding;

    /// <summary>Whether the bar is on screen (false once other text took its place).</summary>
    public bool BarShown
    {
        get { lock (_gate) return _barShown; }
    }

    /// <summary>Stderr is a terminal that understands cursor movement (not a pipe, a file or TERM=dumb).</summary>
    public static bool StderrIsTerminal =>
        !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb";

    /// <summary>The terminal's columns (COLUMNS, else the console's, else 80).</summary>
    public static int Width()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c > 0) return c;
        try
        {
            int w = Console.WindowWidth;
            return w > 0 ? w : 80;
        }
        catch (IOException) { return 80; }
        catch (PlatformNotSupportedException) { return 80; }
    }

    /// <summary>The process's stderr wrapped (once) so that every later Console.Error write
    /// makes room for the bar.</summary>
    public static TerminalLines OnStderr()
    {
        lock (InstallGate)
        {
            if (_stderr is null)
            {
                _stderr = new TerminalLines(Console.Error);
                Console.SetError(_stderr);
            }
            return _stderr;
        }
    }

    /// <summary>Draws <paramref name="line"/> as the live bar, in place of the previous one.</summary>
    public void ShowBar(string line)
    {
        lock (_gate)
        {
            // Text that did not end its line keeps it: the bar starts below.
            inner.Write((_midLine ? inner.NewLine : "") + ClearLine + line);
            _midLine = false;
            _barShown = true;
            inner.Flush();
        }
    }

    /// <summary>Draws <paramref name="line"/> as the bar's last state and ends its line.</summary>
    public void FinishBar(string line)
    {
        lock (_gate)
        {
            inner.Write((_midLine ? inner.NewLine : "") + ClearLine + line + inner.NewLine);
            _midLine = false;
            _barShown = false;
            inner.Flush();
        }
    }

    private void Text(string? s)
    {
        if (string.IsNullOrEmpty(s)) return;
        lock (_gate)
        {
            if (_barShown)
            {
                inner.Write(ClearLine);
                _barShown = false;
            }
            inner.Write(s);
            _midLine = s[^1] != '\n';
            if (!_midLine) inner.Flush();
        }
    }

    public override void Write(char value) => Text(value.ToString());
    public override void Write(string? value) => Text(value);
    public override void Write(char[] buffer, int index, int count) => Text(new string(buffer, index, count));
    public override void Write(ReadOnlySpan<char> buffer) => Text(new string(buffer));
    public override void WriteLine() => Text(NewLine);
    public override void WriteLine(string? value) => Text(value + NewLine);
    public override void WriteLine(ReadOnlySpan<char> buffer) => Text(new string(buffer) + NewLine);
    public override void Flush()
    {
        lock (_gate) inner.Flush();
    }
}
