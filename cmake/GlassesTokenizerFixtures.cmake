# The real tokenizer.json files of the tests and benchmarks are several MB
# each (Gemma's 33 MB), so the repository holds them as .tar.xz
# (tests/fixtures/tokenizers/<name>/tokenizer.json.tar.xz, made with
# `cmake -E tar cJf`); they are extracted here, at configure time, into
# ${GLASSES_TOKENIZER_FIXTURES}/<name>/tokenizer.json. An archive that
# changes re-runs CMake (CMAKE_CONFIGURE_DEPENDS) and is extracted again.
set(GLASSES_TOKENIZER_FIXTURES ${PROJECT_BINARY_DIR}/tokenizer-fixtures)
set(GLASSES_TOKENIZER_NAMES gpt2 llama2 llama3 qwen3 gemma3)
file(MAKE_DIRECTORY ${GLASSES_TOKENIZER_FIXTURES})
foreach(name IN LISTS GLASSES_TOKENIZER_NAMES)
  set(archive ${PROJECT_SOURCE_DIR}/tests/fixtures/tokenizers/${name}/tokenizer.json.tar.xz)
  set(extracted ${GLASSES_TOKENIZER_FIXTURES}/${name}/tokenizer.json)
  set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${archive})
  if(NOT EXISTS ${extracted} OR ${archive} IS_NEWER_THAN ${extracted})
    execute_process(COMMAND ${CMAKE_COMMAND} -E tar xJf ${archive}
                    WORKING_DIRECTORY ${GLASSES_TOKENIZER_FIXTURES} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "cannot extract ${archive}")
    endif()
    file(TOUCH ${extracted})
  endif()
endforeach()
