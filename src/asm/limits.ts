// The eBPF limits every stage agrees on (Linux's MAX_BPF_STACK, MAX_CALL_FRAMES and XDP test-run linear size): the verifier proves programs within them, the engines lay out memory by them, code generation sizes chunks by them.

/** STACK_FRAME_BYTES is one frame's stack: r10 points one past its last byte. */
export const STACK_FRAME_BYTES = 512;

/** MAX_CALL_FRAMES is how many frames (the program and its nested local calls or callbacks) may be live at once. */
export const MAX_CALL_FRAMES = 8;

/** XDP_TEST_RUN_MAX_LINEAR is the most bytes an XDP program sees of one Linux BPF_PROG_TEST_RUN (the rest is not linear): the largest chunk a program meant for Linux scans. */
export const XDP_TEST_RUN_MAX_LINEAR = 3520;
