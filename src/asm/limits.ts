// The eBPF stack limits every stage agrees on (Linux's MAX_BPF_STACK and MAX_CALL_FRAMES): the verifier proves programs within them, the engines lay out memory by them.

/** STACK_FRAME_BYTES is one frame's stack: r10 points one past its last byte. */
export const STACK_FRAME_BYTES = 512;

/** MAX_CALL_FRAMES is how many frames (the program and its nested local calls or callbacks) may be live at once. */
export const MAX_CALL_FRAMES = 8;
