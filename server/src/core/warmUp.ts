/**
 * Warm-ups for V8's optimising compiler. TurboFan compiles a hot function with the type feedback of
 * the calls seen so far; a branch first taken later throws the compiled code away ("insufficient
 * type feedback") and the function is compiled again — 30–80 ms for the large analysis functions,
 * once per rare rule per worker. A function whose rare branches are met one by one over a corpus
 * runs made-up inputs (never corpus text) through them on its first call instead, in several rounds
 * (V8 records feedback only after a function's first calls). Check with
 * `node --trace-opt --trace-deopt dist/cli.js index …`: a V8 upgrade may need the rounds retuned.
 */

/**
 * A function to call at the start of the warmed function: runs `warmUp` the first time (marked done
 * before it runs, so `warmUp` may call the warmed function itself), then nothing.
 */
export function onFirstCall(warmUp: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    warmUp();
  };
}
