using Cutover.Bench;

return BenchCommand.Run(args, Console.Out, Console.Error);
