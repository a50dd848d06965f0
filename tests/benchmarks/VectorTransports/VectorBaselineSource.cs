namespace Framework.Benchmarks.VectorTransports;

/// <summary>The C baseline's source, compiled by <see cref="CBaseline"/> with gcc at setup (kept here
/// rather than as a .c file so that it travels inside the benchmark assembly).</summary>
internal static class VectorBaselineSource
{
    public const string Text = """
        /*
         * The C baseline of the vector-transports benchmark: the same batched sendmmsg/recvmmsg loop as
         * VectorTransport, on the same descriptors, with buffers allocated once. Built with gcc by the
         * benchmark's setup into a shared library and called in-process.
         */
        #define _GNU_SOURCE
        #include <errno.h>
        #include <poll.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/socket.h>
        #include <sys/uio.h>

        struct vt_baseline {
            int depth;
            int size;
            struct mmsghdr *tx;
            struct mmsghdr *rx;
            struct iovec *txv;
            struct iovec *rxv;
            unsigned char *txbuf;
            unsigned char *rxbuf;
        };

        #define RX_SLOT 2048

        void *vt_create(int depth, int size)
        {
            struct vt_baseline *b = calloc(1, sizeof(*b));
            b->depth = depth;
            b->size = size;
            b->tx = calloc(depth, sizeof(struct mmsghdr));
            b->rx = calloc(depth, sizeof(struct mmsghdr));
            b->txv = calloc(depth, sizeof(struct iovec));
            b->rxv = calloc(depth, sizeof(struct iovec));
            b->txbuf = calloc(depth, size);
            b->rxbuf = calloc(depth, RX_SLOT);
            for (int i = 0; i < depth; i++) {
                unsigned char *f = b->txbuf + (size_t)i * size;
                memset(f, 0xff, 6);                       /* broadcast */
                f[6] = 0x02; f[11] = 0xcc;                /* 02:00:00:00:00:cc */
                f[12] = 0x88; f[13] = 0xb5;               /* local experimental EtherType */
                b->txv[i].iov_base = f;
                b->txv[i].iov_len = size;
                b->tx[i].msg_hdr.msg_iov = &b->txv[i];
                b->tx[i].msg_hdr.msg_iovlen = 1;
                b->rxv[i].iov_base = b->rxbuf + (size_t)i * RX_SLOT;
                b->rxv[i].iov_len = RX_SLOT;
                b->rx[i].msg_hdr.msg_iov = &b->rxv[i];
                b->rx[i].msg_hdr.msg_iovlen = 1;
            }
            return b;
        }

        /* Sends `packets` frames in batches of depth, receiving each batch before the next; returns frames received. */
        long vt_run(void *handle, int txfd, int rxfd, long packets)
        {
            struct vt_baseline *b = handle;
            long received = 0;
            for (long sent = 0; sent < packets; sent += b->depth) {
                int done = 0;
                while (done < b->depth) {
                    int r = sendmmsg(txfd, b->tx + done, b->depth - done, MSG_DONTWAIT);
                    if (r > 0) {
                        done += r;
                    } else if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR) {
                        struct pollfd p = { .fd = txfd, .events = POLLOUT };
                        poll(&p, 1, 100);
                    } else {
                        return -errno;
                    }
                }
                /* As VectorTransport.Receive does: try first, wait only when nothing is queued. */
                int got = 0;
                while (got < b->depth) {
                    int r = recvmmsg(rxfd, b->rx, b->depth, MSG_DONTWAIT, NULL);
                    if (r > 0) {
                        got += r;
                        continue;
                    }
                    if (r < 0 && errno != EAGAIN && errno != EINTR)
                        return -errno;
                    struct pollfd p = { .fd = rxfd, .events = POLLIN };
                    if (poll(&p, 1, 1000) <= 0)
                        break;
                }
                received += got;
            }
            return received;
        }

        void vt_destroy(void *handle)
        {
            struct vt_baseline *b = handle;
            free(b->tx); free(b->rx); free(b->txv); free(b->rxv); free(b->txbuf); free(b->rxbuf); free(b);
        }
        """;
}
