import {
  applyFilter,
  decodePng,
  encodePng,
  generateTestImage,
  imageChecksum,
  runCpuTask,
} from '../src/index';

// What a pool thread or process runs for each kind of task: the same as calling the workload.
describe('runCpuTask', () => {
  it('runs fib and primes', () => {
    expect(runCpuTask({ kind: 'fib', n: 20 })).toBe(6765);
    expect(runCpuTask({ kind: 'primes', limit: 100 })).toBe(25);
  });

  it('filters a PNG into a PNG of the filtered image, as a plain Uint8Array', () => {
    const image = generateTestImage(16);
    const out = runCpuTask({ kind: 'filter', filter: 'emboss', png: encodePng(image) });
    expect(out.constructor).toBe(Uint8Array);
    expect(decodePng(out)).toEqual(applyFilter(image, 'emboss'));
    // The control: the filter changed the picture.
    expect(decodePng(out).data).not.toEqual(image.data);
  });

  it('filters a generated image, answering its size and the checksum of the filtered pixels', () => {
    expect(runCpuTask({ kind: 'filter-generated', filter: 'blur', size: 16 })).toEqual({
      width: 16,
      height: 16,
      checksum: imageChecksum(applyFilter(generateTestImage(16), 'blur')),
    });
    // The control: the checksum is not the unfiltered image's.
    expect(imageChecksum(applyFilter(generateTestImage(16), 'blur'))).not.toBe(
      imageChecksum(generateTestImage(16)),
    );
  });
});
