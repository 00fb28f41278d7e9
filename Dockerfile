# CNN Lab in a container: docker build -t cnnlab . && docker run -p 8501:8501 -v cnnlab-runs:/data cnnlab
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --system cnnlab && mkdir -p /data && chown cnnlab /data
USER cnnlab
ENV CNNLAB_RUNS_DIR=/data TF_CPP_MIN_LOG_LEVEL=2
EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["streamlit", "run", "app.py", "--server.address", "0.0.0.0", "--server.port", "8501"]
