using BoxOffice.Bench.Messaging;

// dotnet run -c Release --project bench/BoxOffice.Bench -- messaging [--events N] [--batch N] [--runs N] [--durability Full|Normal]
return args is ["messaging", .. var rest]
    ? await MessagingThroughput.RunAsync(rest)
    : Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: BoxOffice.Bench messaging [--events 200000] [--batch 500] [--runs 3] [--durability Full|Normal]");
    return 2;
}
