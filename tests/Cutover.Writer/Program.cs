using Cutover.Writer;

// An application stand-in for the zero-downtime tests and benchmark: writes at a steady rate to whichever store the
// plan's control state names authoritative, and logs every write the store acknowledged. Usage in WriterOptions.
var options = WriterOptions.Parse(args);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
var summary = await new Writer(options).RunAsync(stop.Token);
Console.Out.WriteLine(summary);
return 0;
