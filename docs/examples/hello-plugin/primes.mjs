// The code of the count_primes tool (primes.ts). It runs in a worker thread, so it is plain
// JavaScript and gets only its input and plain call info: no ctx, no closures.
export function countPrimes({ below }) {
  const composite = new Uint8Array(below);
  let count = 0;
  for (let n = 2; n < below; n++) {
    if (composite[n]) continue;
    count++;
    for (let m = n * n; m < below; m += n) composite[m] = 1;
  }
  return { below, count };
}
