describe('toolchain', () => {
	it('runs the tests on the Node the project installs (24), not the machine Node', () => {
		expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
	});
});
