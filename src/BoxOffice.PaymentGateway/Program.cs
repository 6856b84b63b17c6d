using BoxOffice.PaymentGateway;

PaymentGatewayApp.Build(args).Run();
