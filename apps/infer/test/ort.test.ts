/** Without onnxruntime-node (an optional peer), the commands that run a model in-process say how to install it. */
jest.doMock('onnxruntime-node', () => {
  throw new Error("Cannot find module 'onnxruntime-node'");
});

test('a missing onnxruntime-node is an InputError with the install line; the next call tries again', async () => {
  const { loadOrt } = await import('../src/models');
  const { InputError } = await import('../src/images');
  const first = loadOrt();
  await expect(first).rejects.toBeInstanceOf(InputError);
  await expect(first).rejects.toThrow(
    'onnxruntime-node is not installed: npm i onnxruntime-node (it runs models in-process; a served model needs none)',
  );
  await expect(loadOrt()).rejects.toThrow(/not installed/);
});
