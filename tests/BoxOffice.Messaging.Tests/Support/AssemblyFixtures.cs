// The databases this run's hosts left behind are dropped before the runner ends, not at process exit.
[assembly: AssemblyFixture(typeof(BoxOffice.Testing.TestDatabasesCleanup))]
