import { ShuttingDownError } from './errors';
import { InFlightUploads } from './in-flight-uploads';

describe('InFlightUploads', () => {
  it('lets running uploads finish within the drain time', async () => {
    const uploads = new InFlightUploads();
    const done = uploads.run(undefined, () => new Promise((resolve) => setTimeout(() => resolve('stored'), 50)));
    expect(uploads.size).toBe(1);
    await uploads.drain(1_000);
    await expect(done).resolves.toBe('stored');
    expect(uploads.size).toBe(0);
  });

  it('aborts uploads still running when the drain time is up, and waits for their cleanup', async () => {
    const uploads = new InFlightUploads();
    let cleanedUp = false;
    const done = uploads.run(undefined, (signal) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          setTimeout(() => {
            cleanedUp = true;
            reject(signal.reason);
          }, 30);
        });
      }),
    );
    await uploads.drain(20);
    expect(cleanedUp).toBe(true);
    await expect(done).rejects.toBeInstanceOf(ShuttingDownError);
  });

  it('refuses new uploads once draining', async () => {
    const uploads = new InFlightUploads();
    await uploads.drain(10);
    await expect(uploads.run(undefined, () => Promise.resolve(1))).rejects.toBeInstanceOf(ShuttingDownError);
  });

  it('forwards an external abort (client gone) to the upload', async () => {
    const uploads = new InFlightUploads();
    const client = new AbortController();
    const done = uploads.run(client.signal, (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    client.abort(new Error('client gone'));
    await expect(done).rejects.toThrow('client gone');
  });
});
