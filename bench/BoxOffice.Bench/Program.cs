using BoxOffice.Bench.Accept;
using BoxOffice.Bench.Broker;
using BoxOffice.Bench.Messaging;

// dotnet run -c Release --project bench/BoxOffice.Bench -- messaging [--events N] [--batch N] [--runs N] [--durability Full|Normal]
// dotnet run -c Release --project bench/BoxOffice.Bench -- tokens --key <base64> --count N --out tokens.txt
// dotnet run -c Release --project bench/BoxOffice.Bench -- seal [--count N]
// dotnet run -c Release --project bench/BoxOffice.Bench -- rabbit-publish --rabbitmq amqp://user:password@host:5672/vhost [--window 500] [--seconds 10]
// dotnet run -c Release --project bench/BoxOffice.Bench -- broker-pipeline --postgres "Host=…" --rabbitmq amqp://… [--events 100000] [--rate 5000] [--seconds 10]
// dotnet run -c Release --project bench/BoxOffice.Bench -- pg-commit --connection "Host=…;Username=…;Password=…" [--batch 256] [--seconds 10] [--multi-row]
return args switch
{
    ["messaging", .. var rest] => await MessagingThroughput.RunAsync(rest),
    ["tokens", .. var rest] => BuyerTokens.Run(rest),
    ["seal", .. var rest] => PaymentTokenSealing.Run(rest),
    ["pg-commit", .. var rest] => await PostgresGroupCommit.RunAsync(rest),
    ["pg-drop", .. var rest] => await PostgresGroupCommit.DropAsync(rest),
    ["rabbit-publish", .. var rest] => await RabbitMqPublishCeiling.RunAsync(rest),
    ["broker-pipeline", .. var rest] => await BrokerPipeline.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: BoxOffice.Bench messaging [--events 200000] [--batch 500] [--runs 3] [--durability Full|Normal]");
    Console.Error.WriteLine("       BoxOffice.Bench tokens --key <Auth:SigningKey, base64> [--count 300000] [--out tokens.txt]");
    Console.Error.WriteLine("       BoxOffice.Bench seal [--count 2000]");
    Console.Error.WriteLine("       BoxOffice.Bench rabbit-publish --rabbitmq <AMQP URI> [--window 500] [--seconds 10] [--size 1024]");
    Console.Error.WriteLine("       BoxOffice.Bench broker-pipeline --postgres <server> --rabbitmq <AMQP URI> [--events 100000] [--batch 500] [--rate 5000] [--seconds 10]");
    Console.Error.WriteLine("       BoxOffice.Bench pg-commit --connection <PostgreSQL server> [--batch 256] [--seconds 10]");
    return 2;
}
