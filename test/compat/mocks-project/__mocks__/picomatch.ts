// A root __mocks__ file stands in for the package when a test mocks it without a factory.
export default (glob: string) => (path: string) => path === `mocked:${glob}`;
